using Tessera.Kernels;

namespace Tessera.Tests.Kernels;

/// <summary>The broadcasting walk and the reductions against naive index loops, on odd and round sizes.</summary>
public class BroadcastReduceTests
{
    public static TheoryData<int[], int[]> Shapes() => new()
    {
        { new[] { 7, 1, 33 }, new[] { 1, 5, 33 } },
        { new[] { 2, 3, 4 }, new[] { 4 } },
        { new[] { 1 }, new[] { 257 } },
        { new[] { 3, 1, 1, 5 }, new[] { 2, 1, 5 } },
        { new[] { 6, 7 }, new[] { 6, 7 } },
        { Array.Empty<int>(), new[] { 2, 2 } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BroadcastAddMatchesNaive(int[] sa, int[] sb)
    {
        var a = Tensor.Randn(sa, new Generator(1)); var b = Tensor.Randn(sb, new Generator(2));
        var y = F.Add(a, b);
        var shape = ShapeUtil.Broadcast(sa, sb);
        Assert.Equal(shape, y.Shape);
        var st = ShapeUtil.Strides(shape);
        for (int i = 0; i < y.Numel; i++)
        {
            var idx = new int[shape.Length]; int rem = i;
            for (int d = 0; d < shape.Length; d++) { idx[d] = rem / st[d]; rem %= st[d]; }
            Assert.Equal(At(a, idx) + At(b, idx), y.Data[i], 6);
        }
    }

    private static float At(Tensor t, int[] idx)
    {
        int off = 0, lead = idx.Length - t.Rank; var st = ShapeUtil.Strides(t.Shape);
        for (int d = 0; d < t.Rank; d++) off += (t.Shape[d] == 1 ? 0 : idx[d + lead]) * st[d];
        return t.Data[off];
    }

    [Theory]
    [InlineData(1, 1, 1)] [InlineData(7, 33, 1)] [InlineData(3, 257, 5)] [InlineData(4, 16, 16)] [InlineData(1, 1000, 7)]
    public void SumMatchesNaive(int outer, int n, int inner)
    {
        var x = Tensor.Randn([outer * n * inner], new Generator(3)).Data.ToArray();
        var o = new float[outer * inner];
        Reduce.Sum(x, o, outer, n, inner);
        for (int i = 0; i < outer; i++) for (int k = 0; k < inner; k++)
        {
            double s = 0; for (int j = 0; j < n; j++) s += x[(i * n + j) * inner + k];
            Assert.Equal(s, o[i * inner + k], 3);
        }
    }

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(7)] [InlineData(4096)] [InlineData(4097)] [InlineData(1_000_003)]
    public void SumAllMatchesFloat64Loop(int n)
    {
        var x = Tensor.Randn([Math.Max(n, 1)], new Generator(5)).Data[..n].ToArray();
        double expected = 0, mass = 0; foreach (var v in x) { expected += v; mass += Math.Abs(v); }
        // float32 rounding inside each 4096-value block, float64 across blocks: the error stays a few float32 ulps of
        // the mass Σ|x| whatever n is (a plain float32 loop over 1M values drifts by ~1e-4 of it).
        Assert.Equal(expected, Reduce.SumAll(x), 1e-6 * mass + 1e-12);
    }

    [Theory]
    [InlineData(1, 1, 1)] [InlineData(7, 33, 1)] [InlineData(3, 257, 5)]
    public void ArgMaxMatchesNaive(int outer, int n, int inner)
    {
        var x = Tensor.Randn([outer * n * inner], new Generator(4)).Data.ToArray();
        var v = new float[outer * inner]; var idx = new long[outer * inner];
        Reduce.ArgExtreme(x, v, idx, outer, n, inner, max: true);
        for (int i = 0; i < outer; i++) for (int k = 0; k < inner; k++)
        {
            int best = 0; for (int j = 1; j < n; j++) if (x[(i * n + j) * inner + k] > x[(i * n + best) * inner + k]) best = j;
            Assert.Equal(best, idx[i * inner + k]);
            Assert.Equal(x[(i * n + best) * inner + k], v[i * inner + k]);
        }
    }

    [Fact]
    public void ErfMatchesKnownValues()
    {
        // Reference values of erf to 15 digits.
        Assert.Equal(0.0, MathUtil.Erf(0), 15);
        Assert.Equal(0.328626759459127, MathUtil.Erf(0.3), 12);
        Assert.Equal(0.520499877813047, MathUtil.Erf(0.5), 12);
        Assert.Equal(0.842700792949715, MathUtil.Erf(1), 12);
        Assert.Equal(0.995322265018953, MathUtil.Erf(2), 12);
        Assert.Equal(-0.999977909503001, MathUtil.Erf(-3), 12);
        Assert.Equal(0.999999999803384, MathUtil.Erf(4.5), 12);
    }
}
