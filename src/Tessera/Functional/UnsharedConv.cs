using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Tiled convolution (Le et al. 2010, "Tiled convolutional neural networks"): output (i, j) uses filter bank
    /// weight[i mod th, j mod tw], so weights are shared only between positions a whole number of tiles apart.
    /// x [N, Cin, H, W], weight [th, tw, Cout, Cin, kh, kw], bias [Cout] → [N, Cout, OH, OW].
    /// </summary>
    public static Tensor TiledConv2d(Tensor x, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2 padding = default)
    {
        const string op = "tiled_conv2d";
        if (weight.Rank != 6) throw new ArgumentException($"{op}: weight must be [th, tw, out, in, kh, kw], got shape {ShapeUtil.Format(weight.Dims)}");
        int th = weight.Dims[0], tw = weight.Dims[1];
        return UnsharedConv(x, weight, bias, stride ?? 1, padding, (oh, ow) =>
        {
            var bank = new int[oh * ow];
            for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) bank[i * ow + j] = i % th * tw + j % tw;
            return (bank, th * tw);
        }, op);
    }

    /// <summary>
    /// Locally connected (unshared) convolution (Taigman et al. 2014, DeepFace; Keras LocallyConnected2D): every output
    /// position has its own filter. x [N, Cin, H, W], weight [OH, OW, Cout, Cin, kh, kw], bias [Cout, OH, OW] → [N, Cout, OH, OW].
    /// </summary>
    public static Tensor LocallyConnected2d(Tensor x, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2 padding = default)
    {
        const string op = "locally_connected2d";
        if (weight.Rank != 6) throw new ArgumentException($"{op}: weight must be [OH, OW, out, in, kh, kw], got shape {ShapeUtil.Format(weight.Dims)}");
        int wh = weight.Dims[0], ww = weight.Dims[1];
        return UnsharedConv(x, weight, bias, stride ?? 1, padding, (oh, ow) =>
        {
            if (oh != wh || ow != ww)
                throw new ArgumentException($"{op}: input shape {ShapeUtil.Format(x.Dims)} gives a {oh}×{ow} output but the weight {ShapeUtil.Format(weight.Dims)} has {wh}×{ww} positions");
            return (Enumerable.Range(0, oh * ow).ToArray(), oh * ow);
        }, op);
    }

    /// <summary>
    /// y[n, o, p] = bias + Σ_k weight[bank(p), o, k] · unfold(x)[n, k, p]: a convolution whose filter depends on the output
    /// position through <paramref name="banks"/>(OH, OW) → (bank of each position, number of banks).
    /// </summary>
    private static Tensor UnsharedConv(Tensor x, Tensor weight, Tensor? bias, Size2 stride, Size2 padding, Func<int, int, (int[] Bank, int Count)> banks, string op)
    {
        RequireFloat(x, op); RequireFloat(weight, op, "weight");
        if (x.Rank != 4) throw new ArgumentException($"{op}: input must be [N, C, H, W], got shape {ShapeUtil.Format(x.Dims)}");
        int cout = weight.Dims[2], cin = weight.Dims[3], kh = weight.Dims[4], kw = weight.Dims[5];
        if (x.Dims[1] != cin) throw new ArgumentException($"{op}: input has {x.Dims[1]} channels but weight {ShapeUtil.Format(weight.Dims)} expects {cin} (input shape {ShapeUtil.Format(x.Dims)})");
        int[] k = [kh, kw], s = stride.ToArray(), p = padding.ToArray();
        CheckPositive(s, op, "stride");
        var outSize = OutputSizes(x.Dims[2..], k, s, p, p, [1, 1], false, op, x);
        var (bank, count) = banks(outSize[0], outSize[1]);
        var cols = Unfold(x, (kh, kw), 1, padding, stride);                                   // [N, Cin·kh·kw, OH·OW]
        var w = Reshape(weight, count, cout, cin * kh * kw);                                 // [banks, Cout, Cin·kh·kw]
        var y = Reshape(BankedProduct(cols, w, bank, op), x.Dims[0], cout, outSize[0], outSize[1]);
        if (bias == null) return y;
        return bias.Rank == 1 ? Add(y, Reshape(bias, cout, 1, 1)) : Add(y, bias);
    }

    /// <summary>
    /// y[n, o, p] = Σ_k weight[bank[p], o, k] · cols[n, k, p]. cols [N, K, P], weight [B, O, K] → [N, O, P].
    /// Positions are grouped by bank so each bank is one GEMM over all its (position, sample) rows.
    /// </summary>
    internal static Tensor BankedProduct(Tensor cols, Tensor weight, int[] bank, string op)
    {
        int n = cols.Dims[0], k = cols.Dims[1], p = cols.Dims[2], banks = weight.Dims[0], o = weight.Dims[1];
        if (weight.Dims[2] != k || bank.Length != p) throw new ArgumentException($"{op}: columns {ShapeUtil.Format(cols.Dims)} do not match weight {ShapeUtil.Format(weight.Dims)}");
        // order[r] = the position at sorted slot r; start[b] = first slot of bank b.
        var order = Enumerable.Range(0, p).OrderBy(q => bank[q]).ToArray();
        var start = new int[banks + 1];
        foreach (var b in bank) start[b + 1]++;
        for (int b = 0; b < banks; b++) start[b + 1] += start[b];
        float[] cv = cols.F32!, wv = weight.F32!;
        var a = GatherRows(cv, n, k, p, order);                                // [P·N, K], rows (slot, sample)
        var yRows = BufferPool.RentZeroed(p * n * o);
        for (int b = 0; b < banks; b++)
        {
            int rows = (start[b + 1] - start[b]) * n;
            if (rows > 0) Gemm.Multiply(false, true, rows, o, k, 1f, a.AsSpan(start[b] * n * k), k, wv.AsSpan(b * o * k), k, 0f, yRows.AsSpan(start[b] * n * o), o);
        }
        var y = ScatterRows(yRows, n, o, p, order);
        return Record(op, new Tensor([n, o, p], y), g =>
        {
            var gRows = GatherRows(g.F32!, n, o, p, order);                     // [P·N, O]
            Tensor? gc = null, gw = null;
            if (cols.RequiresGrad)
            {
                var da = BufferPool.RentZeroed(p * n * k);
                for (int b = 0; b < banks; b++)
                {
                    int rows = (start[b + 1] - start[b]) * n;
                    if (rows > 0) Gemm.Multiply(false, false, rows, k, o, 1f, gRows.AsSpan(start[b] * n * o), o, wv.AsSpan(b * o * k), k, 0f, da.AsSpan(start[b] * n * k), k);
                }
                gc = new Tensor(cols.Shape, ScatterRows(da, n, k, p, order));
            }
            if (weight.RequiresGrad)
            {
                var dw = BufferPool.RentZeroed(weight.Numel);
                for (int b = 0; b < banks; b++)
                {
                    int rows = (start[b + 1] - start[b]) * n;
                    if (rows > 0) Gemm.Multiply(true, false, o, k, rows, 1f, gRows.AsSpan(start[b] * n * o), o, a.AsSpan(start[b] * n * k), k, 0f, dw.AsSpan(b * o * k), k);
                }
                gw = new Tensor(weight.Shape, dw);
            }
            return [gc, gw];
        }, cols, weight);

        // [N, C, P] → rows (slot r, sample i) of C values, slot r holding position order[r].
        static float[] GatherRows(float[] src, int n, int c, int p, int[] order)
        {
            var dst = BufferPool.RentZeroed(p * n * c);
            for (int r = 0; r < p; r++)
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < c; j++) dst[(r * n + i) * c + j] = src[(i * c + j) * p + order[r]];
            return dst;
        }

        // The inverse of Gather.
        static float[] ScatterRows(float[] rows, int n, int c, int p, int[] order)
        {
            var dst = BufferPool.RentZeroed(n * c * p);
            for (int r = 0; r < p; r++)
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < c; j++) dst[(i * c + j) * p + order[r]] = rows[(r * n + i) * c + j];
            return dst;
        }
    }
}
