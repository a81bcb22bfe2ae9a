using Tessera.Kernels;

namespace Tessera.Tests.Kernels;

/// <summary>The dedicated 2×2/stride-2 max pool against a naive loop, with ties, NaN and odd sizes.</summary>
public class PoolFastPathTests
{
    [Theory]
    [InlineData(2, 2)] [InlineData(7, 9)] [InlineData(32, 32)] [InlineData(33, 1)] [InlineData(1, 6)] [InlineData(28, 28)] [InlineData(20, 23)]
    public void Max2x2MatchesNaiveLoop(int h, int w)
    {
        var g = new Generator(9);
        // Few distinct values, so ties are common, and a NaN in some windows.
        var x = Enumerable.Range(0, h * w).Select(_ => (float)g.NextInt(4)).ToArray();
        if (x.Length > 5) x[5] = float.NaN;
        var hAxis = PoolAxis.Sliding(h, h / 2, 2, 2, 0, 1, true);
        var wAxis = PoolAxis.Sliding(w, w / 2, 2, 2, 0, 1, true);
        Assert.True(hAxis.IsPairs && wAxis.IsPairs);
        var y = new float[(h / 2) * (w / 2)]; var arg = new int[y.Length];
        Pool.Max(x, y, arg, PoolAxis.Unit, hAxis, wAxis);
        for (int oh = 0; oh < h / 2; oh++)
            for (int ow = 0; ow < w / 2; ow++)
            {
                float best = float.NegativeInfinity; int bi = -1;
                for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++)
                {
                    int i = (2 * oh + a) * w + 2 * ow + b; float v = x[i];
                    if (bi < 0 || (!float.IsNaN(best) && (v > best || float.IsNaN(v)))) { best = v; bi = i; }
                }
                int o = oh * (w / 2) + ow;
                Assert.Equal(bi, arg[o]);
                Assert.Equal(best, y[o]);
            }
    }

    [Theory]
    [InlineData(3, 2, 1)] [InlineData(2, 2, 0)] [InlineData(3, 1, 1)] [InlineData(5, 3, 2)]
    public void MaxWithoutIndicesMatchesTheArgmaxKernel(int kernel, int stride, int padding)
    {
        // The inference kernel (no argmax) must give the argmax kernel's values, NaN included.
        var g = new Generator(3);
        int h = 13, w = 11;
        var x = Tensor.Randn([h * w], g).ToArray();
        x[7] = float.NaN; x[40] = float.NegativeInfinity;
        int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
        var hAxis = PoolAxis.Sliding(h, oh, kernel, stride, padding, 1, true);
        var wAxis = PoolAxis.Sliding(w, ow, kernel, stride, padding, 1, true);
        var expected = new float[oh * ow]; var arg = new int[expected.Length]; var y = new float[expected.Length];
        Pool.Max(x, expected, arg, PoolAxis.Unit, hAxis, wAxis);
        Pool.Max(x, y, default, PoolAxis.Unit, hAxis, wAxis);
        Assert.Equal(expected, y);
        Assert.Contains(y, float.IsNaN);
    }

    [Fact]
    public void MaxPoolGivesTheSameValuesWithAndWithoutGradients()
    {
        var x = Tensor.Randn([2, 3, 17, 19], new Generator(8));
        var withGrad = F.MaxPool2d(x.Clone().RequiresGrad_(), 3, 2, 1).ToArray();
        using (GradMode.NoGrad()) Assert.Equal(withGrad, F.MaxPool2d(x, 3, 2, 1).ToArray());
    }

    [Fact]
    public void PaddedOrStridedWindowsAreNotPairs()
    {
        Assert.False(PoolAxis.Sliding(8, 4, 3, 2, 1, 1, true).IsPairs);
        Assert.False(PoolAxis.Sliding(8, 7, 2, 1, 0, 1, true).IsPairs);
        Assert.False(PoolAxis.Sliding(9, 5, 2, 2, 0, 1, true).IsPairs);   // ceil mode: the last window holds one input
    }
}
