using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// im2col (torch.nn.functional.unfold): every kh×kw block of the zero-padded input becomes a column.
    /// x [N, C, H, W] → [N, C·kh·kw, OH·OW], row c·kh·kw + u·kw + v, column i·OW + j = xpad[c, i·sh + u·dh, j·sw + v·dw].
    /// </summary>
    public static Tensor Unfold(Tensor x, Size2 kernelSize, Size2? dilation = null, Size2 padding = default, Size2? stride = null)
    {
        const string op = "unfold";
        RequireFloat(x, op);
        if (x.Rank == 3) return Squeeze(Unfold(Unsqueeze(x, 0), kernelSize, dilation, padding, stride), 0);
        if (x.Rank != 4) throw new ArgumentException($"{op}: input must be [N, C, H, W], got shape {ShapeUtil.Format(x.Dims)}");
        int[] k = kernelSize.ToArray(), d = (dilation ?? 1).ToArray(), p = padding.ToArray(), s = (stride ?? 1).ToArray();
        CheckPositive(s, op, "stride"); CheckPositive(d, op, "dilation");
        if (p.Any(v => v < 0)) throw new ArgumentException($"{op}: padding must be non-negative, got {ShapeUtil.Format(p)}");
        int n = x.Dims[0], c = x.Dims[1];
        var outSize = OutputSizes(x.Dims[2..], k, s, p, p, d, false, op, x);
        var w = new Window(c, x.Dims[2..], outSize, k, s, p, d);
        int rows = c * w.Taps, cols = w.OutPlane, inSize = c * w.InPlane;
        var y = BufferPool.RentZeroed(n * rows * cols);
        var xv = x.F32!;
        Work.For(n, (long)n * rows * cols, i => Im2Col.Forward(xv.AsSpan(i * inSize, inSize), y.AsSpan(i * rows * cols, rows * cols), w));
        return Record(op, new Tensor([n, rows, cols], y), g =>
        {
            var gv = g.F32!; var dx = BufferPool.RentZeroed(x.Numel);
            Work.For(n, (long)n * rows * cols, i => Im2Col.Backward(gv.AsSpan(i * rows * cols, rows * cols), dx.AsSpan(i * inSize, inSize), w));
            return [new Tensor(x.Shape, dx)];
        }, x);
    }

    /// <summary>
    /// col2im (torch.nn.functional.fold), the adjoint of <see cref="Unfold"/>: sums each column back into its block of
    /// the output; contributions landing in the padding are dropped. x [N, C·kh·kw, L] → [N, C, H, W], where L must be
    /// the number of blocks the conv size formula gives for <paramref name="outputSize"/>.
    /// </summary>
    public static Tensor Fold(Tensor x, Size2 outputSize, Size2 kernelSize, Size2? dilation = null, Size2 padding = default, Size2? stride = null)
    {
        const string op = "fold";
        RequireFloat(x, op);
        if (x.Rank == 2) return Squeeze(Fold(Unsqueeze(x, 0), outputSize, kernelSize, dilation, padding, stride), 0);
        if (x.Rank != 3) throw new ArgumentException($"{op}: input must be [N, C·kh·kw, L], got shape {ShapeUtil.Format(x.Dims)}");
        int[] size = outputSize.ToArray(), k = kernelSize.ToArray(), d = (dilation ?? 1).ToArray(), p = padding.ToArray(), s = (stride ?? 1).ToArray();
        CheckPositive(size, op, "output_size"); CheckPositive(k, op, "kernel_size"); CheckPositive(s, op, "stride"); CheckPositive(d, op, "dilation");
        int n = x.Dims[0], taps = k[0] * k[1];
        if (x.Dims[1] % taps != 0)
            throw new ArgumentException($"{op}: input has {x.Dims[1]} rows, not a multiple of kh·kw = {taps} (input shape {ShapeUtil.Format(x.Dims)}, kernel_size {ShapeUtil.Format(k)})");
        int c = x.Dims[1] / taps;
        var blocks = new int[2];
        for (int i = 0; i < 2; i++) blocks[i] = Window.OutSize(size[i], k[i], s[i], p[i], p[i], d[i]);
        if (blocks[0] < 1 || blocks[1] < 1 || blocks[0] * blocks[1] != x.Dims[2])
            throw new ArgumentException($"{op}: input has {x.Dims[2]} blocks but output_size {ShapeUtil.Format(size)} with kernel {ShapeUtil.Format(k)}, padding {ShapeUtil.Format(p)}, stride {ShapeUtil.Format(s)}, dilation {ShapeUtil.Format(d)} gives {Math.Max(0, blocks[0]) * Math.Max(0, blocks[1])} (input shape {ShapeUtil.Format(x.Dims)})");
        var w = new Window(c, size, blocks, k, s, p, d);
        int colSize = x.Dims[1] * x.Dims[2], outSize = c * w.InPlane;
        var y = BufferPool.RentZeroed(n * outSize);
        var xv = x.F32!;
        Work.For(n, (long)n * colSize, i => Im2Col.Backward(xv.AsSpan(i * colSize, colSize), y.AsSpan(i * outSize, outSize), w));
        return Record(op, new Tensor([n, c, size[0], size[1]], y), g =>
        {
            var gv = g.F32!; var dx = BufferPool.RentZeroed(x.Numel);
            Work.For(n, (long)n * colSize, i => Im2Col.Forward(gv.AsSpan(i * outSize, outSize), dx.AsSpan(i * colSize, colSize), w));
            return [new Tensor(x.Shape, dx)];
        }, x);
    }
}
