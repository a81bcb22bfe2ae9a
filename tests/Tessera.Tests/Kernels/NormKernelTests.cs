using Tessera.Kernels;

namespace Tessera.Tests.Kernels;

/// <summary>The fused normalisation kernels against plain float64 loops, on odd sizes (vector tails) and round ones.</summary>
public class NormKernelTests
{
    private static float[] Random(int n, int seed, float scale = 1f, float shift = 0f)
    {
        var t = Tensor.Randn([n], new Generator((ulong)seed)).ToArray();
        for (int i = 0; i < n; i++) t[i] = t[i] * scale + shift;
        return t;
    }

    [Theory]
    [InlineData(2, 3, 1)]
    [InlineData(1, 7, 7)]
    [InlineData(3, 2, 33)]
    [InlineData(2, 5, 257)]
    [InlineData(4, 16, 64)]
    public void BatchNormStatsApplyAndBackwardMatchLoops(int n, int c, int s)
    {
        var x = Random(n * c * s, 1, 2f, 3f); var g = Random(n * c * s, 2);
        var mean = new double[c]; var variance = new double[c];
        BatchNorm.Stats(x, n, c, s, mean, variance);
        var scale = Random(c, 3); var offset = Random(c, 4);
        var y = new float[x.Length];
        BatchNorm.Apply(x, y, n, c, s, mean, scale, offset);
        var sumG = new double[c]; var sumGX = new double[c];
        BatchNorm.BackwardSums(g, x, n, c, s, mean, sumG, sumGX);
        var ga = Random(c, 5); var xa = Random(c, 6); var add = Random(c, 7);
        var dx = new float[x.Length];
        BatchNorm.BackwardInput(g, x, dx, n, c, s, mean, ga, xa, add);

        for (int ch = 0; ch < c; ch++)
        {
            double m = 0, v = 0, sg = 0, sgx = 0;
            foreach (var i in Indices(n, c, s, ch)) m += x[i];
            m /= n * s;
            foreach (var i in Indices(n, c, s, ch)) { v += (x[i] - m) * (x[i] - m); sg += g[i]; sgx += g[i] * (x[i] - m); }
            v /= n * s;
            Assert.Equal(m, mean[ch], 1e-9 * (1 + Math.Abs(m)));
            Assert.Equal(v, variance[ch], 1e-9 * (1 + v));
            Assert.Equal(sg, sumG[ch], 1e-9 * (1 + Math.Abs(sg)));
            Assert.Equal(sgx, sumGX[ch], 1e-6 * (1 + Math.Abs(sgx)));
            foreach (var i in Indices(n, c, s, ch))
            {
                Assert.Equal((x[i] - m) * scale[ch] + offset[ch], y[i], 1e-5 * (1 + Math.Abs(y[i])));
                Assert.Equal(g[i] * ga[ch] + (x[i] - m) * xa[ch] + add[ch], dx[i], 1e-5 * (1 + Math.Abs(dx[i])));
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 33)]
    [InlineData(2, 257)]
    [InlineData(8, 64)]
    public void RowNormMatchesLoops(int rows, int m)
    {
        var x = Random(rows * m, 11, 3f, -2f); var g = Random(rows * m, 12);
        var y = new float[x.Length]; var inv = new float[rows]; var dx = new float[x.Length];
        const double eps = 1e-5;
        RowNorm.Forward(x, y, rows, m, eps, inv);
        RowNorm.Backward(g, y, dx, rows, m, inv);
        for (int r = 0; r < rows; r++)
        {
            var xs = x.Skip(r * m).Take(m).Select(v => (double)v).ToArray();
            var gs = g.Skip(r * m).Take(m).Select(v => (double)v).ToArray();
            double mu = xs.Average(), sigma = 1 / Math.Sqrt(xs.Select(v => (v - mu) * (v - mu)).Average() + eps);
            var xhat = xs.Select(v => (v - mu) * sigma).ToArray();
            double meanG = gs.Average(), meanGX = gs.Zip(xhat, (a, b) => a * b).Average();
            Assert.Equal(sigma, inv[r], 1e-5 * sigma);
            for (int j = 0; j < m; j++)
            {
                Assert.Equal(xhat[j], y[r * m + j], 2e-5 * (1 + Math.Abs(xhat[j])));
                double expected = sigma * (gs[j] - meanG - xhat[j] * meanGX);
                Assert.Equal(expected, dx[r * m + j], 1e-4 * (1 + Math.Abs(expected)));
            }
        }
    }

    [Fact]
    public void StatsStayAccurateWhenTheMeanDwarfsTheSpread()
    {
        // Values 1000 ± 0.01: a naive float32 E[x²] − E[x]² would lose every digit of the variance.
        int n = 4, c = 1, s = 1000;
        var x = Random(n * s, 21, 0.01f, 1000f);
        var mean = new double[1]; var variance = new double[1];
        BatchNorm.Stats(x, n, c, s, mean, variance);
        double m = x.Average(v => (double)v), v = x.Average(t => (t - m) * (t - m));
        Assert.Equal(v, variance[0], 1e-6 * v);
    }

    private static IEnumerable<int> Indices(int n, int c, int s, int ch)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < s; j++) yield return (i * c + ch) * s + j;
    }
}
