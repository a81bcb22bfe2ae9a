using Tessera.Kernels;

namespace Tessera.Tests.Kernels;

/// <summary>Convolution lowering, the batched conv drivers, pooling and padding kernels against naive index loops, on odd sizes.</summary>
public class ConvKernelTests
{
    private static float[] Rand(int n, int seed) => Tensor.Randn([n], new Generator((ulong)seed)).Data.ToArray();

    private static void Close(double expected, double actual, double tol = 1e-4)
        => Assert.True(Math.Abs(expected - actual) <= tol * (1 + Math.Abs(expected)), $"expected {expected}, actual {actual}");

    private static double Dot(float[] a, float[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i]; return s; }

    /// <summary>in, k, s, p, d per dim (1 to 3 dims, right-aligned), and channels.</summary>
    public static TheoryData<int, int[], int[], int[], int[], int[]> Geometries() => new()
    {
        { 3, new[] { 7 }, new[] { 3 }, new[] { 1 }, new[] { 1 }, new[] { 1 } },
        { 1, new[] { 33 }, new[] { 5 }, new[] { 3 }, new[] { 2 }, new[] { 2 } },
        { 2, new[] { 7, 9 }, new[] { 3, 2 }, new[] { 2, 1 }, new[] { 1, 0 }, new[] { 1, 3 } },
        { 3, new[] { 1, 1 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 } },
        { 2, new[] { 16, 16 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 0, 0 }, new[] { 1, 1 } },
        { 1, new[] { 5, 6, 7 }, new[] { 2, 3, 3 }, new[] { 1, 2, 3 }, new[] { 1, 0, 2 }, new[] { 2, 1, 1 } },
        { 4, new[] { 257 }, new[] { 4 }, new[] { 5 }, new[] { 3 }, new[] { 1 } },
    };

    private static int[] OutSizes(int[] inp, int[] k, int[] s, int[] p, int[] d)
        => inp.Select((l, i) => Window.OutSize(l, k[i], s[i], p[i], p[i], d[i])).ToArray();

    /// <summary>xpad[c, pos…] for a position in padded coordinates, 0 outside.</summary>
    private static float At(float[] x, int c, int[] inp, int[] pos)
    {
        int off = c;
        for (int i = 0; i < inp.Length; i++)
        {
            if (pos[i] < 0 || pos[i] >= inp[i]) return 0;
            off = off * inp[i] + pos[i];
        }
        return x[off];
    }

    private static IEnumerable<int[]> Indices(int[] extent)
    {
        int n = extent.Aggregate(1, (a, b) => a * b);
        for (int f = 0; f < n; f++)
        {
            var idx = new int[extent.Length]; int rem = f;
            for (int i = extent.Length - 1; i >= 0; i--) { idx[i] = rem % extent[i]; rem /= extent[i]; }
            yield return idx;
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Im2ColMatchesNaive(int c, int[] inp, int[] k, int[] s, int[] p, int[] d)
    {
        var outSize = OutSizes(inp, k, s, p, d);
        var w = new Window(c, inp, outSize, k, s, p, d);
        var x = Rand(c * w.InPlane, 1);
        var cols = new float[c * w.Taps * w.OutPlane];
        Array.Fill(cols, float.NaN);   // every entry must be written
        Im2Col.Forward(x, cols, w);
        for (int ch = 0; ch < c; ch++)
        {
            int t = 0;
            foreach (var tap in Indices(k))
            {
                int q = 0;
                foreach (var o in Indices(outSize))
                {
                    var pos = o.Select((v, i) => v * s[i] - p[i] + tap[i] * d[i]).ToArray();
                    Assert.Equal(At(x, ch, inp, pos), cols[(ch * w.Taps + t) * w.OutPlane + q]);
                    q++;
                }
                t++;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Col2ImIsTheAdjointOfIm2Col(int c, int[] inp, int[] k, int[] s, int[] p, int[] d)
    {
        var w = new Window(c, inp, OutSizes(inp, k, s, p, d), k, s, p, d);
        var x = Rand(c * w.InPlane, 2); var g = Rand(c * w.Taps * w.OutPlane, 3);
        var cols = new float[g.Length]; var back = new float[x.Length];
        Im2Col.Forward(x, cols, w);
        Im2Col.Backward(g, back, w);
        Close(Dot(cols, g), Dot(x, back));
    }

    /// <summary>y[n, o, pos] = b[o] + Σ w[o, c, tap] · xpad[n, g·cinG + c, pos·s − p + tap·d].</summary>
    private static float[] NaiveConv(float[] x, float[] wt, float[]? b, int n, int cin, int cout, int groups, int[] inp, int[] outSize, int[] k, int[] s, int[] p, int[] d)
    {
        int cinG = cin / groups, coutG = cout / groups, taps = k.Aggregate(1, (a, v) => a * v);
        int outPlane = outSize.Aggregate(1, (a, v) => a * v);
        var y = new float[n * cout * outPlane];
        var tapList = Indices(k).ToArray();
        for (int i = 0; i < n; i++)
            for (int o = 0; o < cout; o++)
            {
                int g = o / coutG, q = 0;
                foreach (var pos in Indices(outSize))
                {
                    double acc = b?[o] ?? 0;
                    for (int c = 0; c < cinG; c++)
                    {
                        var at = new int[pos.Length];
                        for (int t = 0; t < taps; t++)
                        {
                            for (int j = 0; j < pos.Length; j++) at[j] = pos[j] * s[j] - p[j] + tapList[t][j] * d[j];
                            acc += wt[(o * cinG + c) * taps + t] * At(x, i * cin + g * cinG + c, inp, at);
                        }
                    }
                    y[(i * cout + o) * outPlane + q++] = (float)acc;
                }
            }
        return y;
    }

    public static TheoryData<int, int, int, int, int[], int[], int[], int[], int[]> ConvCases() => new()
    {
        // n, cin, cout, groups, in, k, s, p, d
        { 2, 3, 4, 1, new[] { 7, 5 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 } },
        { 3, 4, 6, 2, new[] { 9 }, new[] { 3 }, new[] { 2 }, new[] { 2 }, new[] { 2 } },
        { 2, 3, 6, 3, new[] { 7, 6 }, new[] { 3, 2 }, new[] { 2, 1 }, new[] { 1, 0 }, new[] { 1, 2 } },   // depthwise ×2
        { 1, 5, 5, 5, new[] { 4, 5, 3 }, new[] { 2, 3, 1 }, new[] { 1, 1, 1 }, new[] { 1, 1, 0 }, new[] { 1, 1, 1 } },
        { 2, 3, 2, 1, new[] { 4, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 0, 0 }, new[] { 1, 1 } },   // pointwise
        { 4, 16, 16, 1, new[] { 17, 15 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 } }, // large: parallel path
        { 4, 32, 32, 32, new[] { 33, 31 }, new[] { 3, 3 }, new[] { 2, 1 }, new[] { 1, 1 }, new[] { 1, 1 } }, // large depthwise
        // Sample blocks (Conv.SampleBlocks): several uneven blocks split across cores, grouped; one block of a small
        // plane whose GEMM is parallel; a pointwise block that gathers its samples.
        { 13, 4, 6, 2, new[] { 40, 40 }, new[] { 5, 5 }, new[] { 1, 1 }, new[] { 0, 0 }, new[] { 1, 1 } },
        { 6, 96, 64, 1, new[] { 3, 3 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 } },
        { 9, 24, 20, 1, new[] { 2, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 0, 0 }, new[] { 1, 1 } },
        { 3, 4, 8, 4, new[] { 9, 11 }, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1 }, new[] { 1, 1 } },   // depthwise ×2, stride 2 across the row
        { 2, 3, 3, 3, new[] { 13 }, new[] { 4 }, new[] { 3 }, new[] { 2 }, new[] { 2 } },                  // 1-d depthwise, strided and dilated
        // Winograd F(2×2, 3×3): padding 0, 1 and 2, odd output sizes (cropped tiles), several tile blocks.
        { 2, 16, 17, 1, new[] { 17, 15 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 } },
        { 1, 16, 16, 1, new[] { 18, 19 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 0, 0 }, new[] { 1, 1 } },
        { 3, 17, 20, 1, new[] { 15, 16 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 2, 2 }, new[] { 1, 1 } },
        { 1, 16, 16, 1, new[] { 40, 37 }, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 0 }, new[] { 1, 1 } },
    };

    [Fact]
    public void WinogradTakesOnlyPlainThreeByThreeConvolutions()
    {
        Window W(int c, int k, int s, int p, int d) => new(c, [16, 16], OutSizes([16, 16], [k, k], [s, s], [p, p], [d, d]), [k, k], [s, s], [p, p], [d, d]);
        Assert.True(Winograd.Applies(W(16, 3, 1, 1, 1), 1, 16));
        Assert.False(Winograd.Applies(W(16, 3, 2, 1, 1), 1, 16));    // strided
        Assert.False(Winograd.Applies(W(16, 3, 1, 2, 2), 1, 16));    // dilated
        Assert.False(Winograd.Applies(W(16, 5, 1, 2, 1), 1, 16));    // 5×5
        Assert.False(Winograd.Applies(W(16, 3, 1, 1, 1), 2, 16));    // grouped
        Assert.False(Winograd.Applies(W(8, 3, 1, 1, 1), 1, 16));     // few channels: the transforms would dominate
        Assert.False(Winograd.Applies(new Window(64, [8, 8], [8, 8], [3, 3], [1, 1], [1, 1], [1, 1]), 1, 64));   // 16 tiles: too few
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void ConvForwardMatchesNaive(int n, int cin, int cout, int groups, int[] inp, int[] k, int[] s, int[] p, int[] d)
    {
        var outSize = OutSizes(inp, k, s, p, d);
        var w = new Window(cin, inp, outSize, k, s, p, d);
        var x = Rand(n * cin * w.InPlane, 4); var wt = Rand(cout * cin / groups * w.Taps, 5); var b = Rand(cout, 6);
        var y = new float[n * cout * w.OutPlane];
        Conv.Forward(x, wt, b, y, n, cout, groups, w);
        var expected = NaiveConv(x, wt, b, n, cin, cout, groups, inp, outSize, k, s, p, d);
        for (int i = 0; i < y.Length; i++) Close(expected[i], y[i]);
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void ConvBackwardIsTheAdjoint(int n, int cin, int cout, int groups, int[] inp, int[] k, int[] s, int[] p, int[] d)
    {
        var w = new Window(cin, inp, OutSizes(inp, k, s, p, d), k, s, p, d);
        var x = Rand(n * cin * w.InPlane, 7); var wt = Rand(cout * cin / groups * w.Taps, 8); var dy = Rand(n * cout * w.OutPlane, 9);
        var y = new float[dy.Length];
        Conv.Forward(x, wt, null, y, n, cout, groups, w);
        var dx = new float[x.Length]; var dw = new float[wt.Length];
        Conv.BackwardInput(dy, wt, dx, n, cout, groups, w);
        Conv.BackwardWeight(dy, x, dw, n, cout, groups, w);
        // y is linear in x and in w: <y, dy> = <x, dx> = <w, dw>.
        double expected = Dot(y, dy);
        Assert.Equal(expected, Dot(x, dx), Math.Max(1e-3, Math.Abs(expected) * 1e-5));
        Assert.Equal(expected, Dot(wt, dw), Math.Max(1e-3, Math.Abs(expected) * 1e-5));
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void ConvTransposeIsTheInputGradientOfConv(int n, int cin, int cout, int groups, int[] inp, int[] k, int[] s, int[] p, int[] d)
    {
        // ConvTranspose with weight [cout, cin/G, k] maps conv outputs back to conv inputs: it must equal Conv.BackwardInput,
        // and its own backward passes must be adjoints.
        var w = new Window(cin, inp, OutSizes(inp, k, s, p, d), k, s, p, d);
        var wt = Rand(cout * cin / groups * w.Taps, 10); var z = Rand(n * cout * w.OutPlane, 11);
        var viaConv = new float[n * cin * w.InPlane];
        Conv.BackwardInput(z, wt, viaConv, n, cout, groups, w);
        var y = new float[viaConv.Length];
        Conv.TransposeForward(z, wt, null, y, n, cout, groups, w);
        for (int i = 0; i < y.Length; i++) Close(viaConv[i], y[i]);
        var dy = Rand(y.Length, 12); var dz = new float[z.Length]; var dw = new float[wt.Length];
        Conv.TransposeBackwardInput(dy, wt, dz, n, cout, groups, w);
        Conv.TransposeBackwardWeight(dy, z, dw, n, cout, groups, w);
        double expected = Dot(y, dy);
        Assert.Equal(expected, Dot(z, dz), Math.Max(1e-3, Math.Abs(expected) * 1e-5));
        Assert.Equal(expected, Dot(wt, dw), Math.Max(1e-3, Math.Abs(expected) * 1e-5));
    }

    [Theory]
    [InlineData(7, 3, 2, 1, 1, false)] [InlineData(7, 2, 2, 0, 1, true)] [InlineData(8, 3, 2, 1, 1, true)] [InlineData(9, 3, 3, 1, 2, true)]
    [InlineData(10, 4, 3, 2, 1, true)] [InlineData(33, 5, 4, 2, 3, false)] [InlineData(1, 1, 1, 0, 1, false)]
    public void PoolingMatchesNaive(int length, int k, int s, int p, int d, bool ceil)
    {
        int o = Window.OutSize(length, k, s, p, p, d, ceil);
        // PyTorch's rule: the ceiling, less one when the last window would start past the input and left padding.
        int num = length + 2 * p - d * (k - 1) - 1;
        int expect = (ceil ? (num + s - 1) / s : num / s) + 1;
        if (ceil && (expect - 1) * s >= length + p) expect--;
        Assert.Equal(expect, o);
        var x = Rand(length, 13);
        var axis = PoolAxis.Sliding(length, o, k, s, p, d, countIncludePad: false);
        var y = new float[o]; var arg = new int[o];
        Pool.Max(x, y, arg, PoolAxis.Unit, PoolAxis.Unit, axis);
        for (int i = 0; i < o; i++)
        {
            float best = float.NegativeInfinity;
            for (int u = 0; u < k; u++) { int j = i * s - p + u * d; if (j >= 0 && j < length) best = Math.Max(best, x[j]); }
            Assert.Equal(best, y[i]);
            Assert.Equal(best, x[arg[i]]);
        }
        if (d != 1) return;
        foreach (var include in new[] { true, false })
        {
            axis = PoolAxis.Sliding(length, o, k, s, p, 1, include);
            Pool.Avg(x, y, PoolAxis.Unit, PoolAxis.Unit, axis);
            for (int i = 0; i < o; i++)
            {
                int start = i * s - p, end = Math.Min(start + k, length + p);
                int lo = Math.Max(start, 0), hi = Math.Min(end, length);
                double sum = 0; for (int j = lo; j < hi; j++) sum += x[j];
                Close(sum / (include ? end - start : hi - lo), y[i]);
            }
        }
    }

    [Theory]
    [InlineData(7, 3)] [InlineData(6, 4)] [InlineData(3, 7)] [InlineData(5, 1)] [InlineData(33, 33)]
    public void AdaptiveBinsCoverFloorToCeil(int length, int outSize)
    {
        var a = PoolAxis.Adaptive(length, outSize);
        for (int i = 0; i < outSize; i++)
        {
            Assert.Equal((int)Math.Floor((double)i * length / outSize), a.First[i]);
            Assert.Equal((int)Math.Ceiling((double)(i + 1) * length / outSize), a.First[i] + a.Count[i]);
        }
    }

    [Theory]
    [InlineData(PadMode.Constant, 5, 2, 3)] [InlineData(PadMode.Constant, 5, -2, 1)] [InlineData(PadMode.Reflect, 5, 4, 4)]
    [InlineData(PadMode.Replicate, 3, 7, 5)] [InlineData(PadMode.Circular, 4, 4, 2)] [InlineData(PadMode.Reflect, 1, 0, 0)]
    public void PadIndexRules(PadMode mode, int length, int before, int after)
    {
        var map = Pad.DimMap(length, before, after, mode);
        Assert.Equal(length + before + after, map.Length);
        for (int j = 0; j < map.Length; j++)
        {
            int i = j - before;
            int expected = mode switch
            {
                PadMode.Constant => i >= 0 && i < length ? i : -1,
                PadMode.Reflect => i < 0 ? -i : i >= length ? 2 * (length - 1) - i : i,
                PadMode.Replicate => Math.Min(Math.Max(i, 0), length - 1),
                _ => ((i % length) + length) % length,
            };
            Assert.Equal(expected, map[j]);
        }
    }

    [Theory]
    [InlineData(7, 3, 1, 0)] [InlineData(5, 1, 2, -1)] [InlineData(4, 6, 3, 5)] [InlineData(9, 4, 2, -7)] [InlineData(6, 0, 1, 0)]
    public void ValidRangeIsExact(int outSize, int inSize, int stride, int offset)
    {
        var (lo, hi) = Window.ValidRange(outSize, inSize, stride, offset);
        for (int o = 0; o < outSize; o++)
        {
            int i = o * stride + offset;
            Assert.Equal(i >= 0 && i < inSize, o >= lo && o < hi);
        }
    }

    [Fact]
    public void MaxPoolPropagatesNaNAndPointsAllMinusInfinityWindowsAtAnInput()
    {
        float[] x = [1, float.NaN, 3, 2, float.NegativeInfinity, float.NegativeInfinity];
        var axis = PoolAxis.Sliding(6, 3, 2, 2, 0, 1, true);
        var y = new float[3]; var arg = new int[3];
        Pool.Max(x, y, arg, PoolAxis.Unit, PoolAxis.Unit, axis);
        Assert.True(float.IsNaN(y[0])); Assert.Equal(1, arg[0]);
        Assert.Equal(3f, y[1]); Assert.Equal(2, arg[1]);
        Assert.Equal(float.NegativeInfinity, y[2]); Assert.Equal(4, arg[2]);
    }

    [Theory]
    [InlineData(1)] [InlineData(7)] [InlineData(33)] [InlineData(257)]
    public void RowOperationsMatchNaive(int n)
    {
        var a = Rand(n, 20); var b = Rand(n, 21);
        var y = (float[])b.Clone(); Vec.Axpy(0.5f, a, y);
        for (int i = 0; i < n; i++) Assert.Equal(b[i] + 0.5f * a[i], y[i], 5);
        y = (float[])b.Clone(); Vec.Add(a, y);
        for (int i = 0; i < n; i++) Assert.Equal(b[i] + a[i], y[i], 5);
        y = (float[])b.Clone(); Vec.AddScalar(-1.5f, y);
        for (int i = 0; i < n; i++) Assert.Equal(b[i] - 1.5f, y[i], 5);
        Close(Dot(a, b), Vec.Dot(a, b));
        Close(a.Sum(v => (double)v), Vec.Sum(a));
    }
}
