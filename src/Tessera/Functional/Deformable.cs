using System.Buffers;
using System.Numerics.Tensors;
using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// torchvision.ops.deform_conv2d (deformable convolution v1, Dai et al. 2017): a conv whose tap t of output (a, b)
    /// reads x bilinearly at its regular position plus (offset[2t], offset[2t+1]) — row then column, taps row-major.
    /// x [N, Cin, H, W], offset [N, 2·kh·kw, OH, OW], weight [Cout, Cin, kh, kw], bias [Cout] → [N, Cout, OH, OW].
    /// Gradients reach x both through the sampled values and through the offsets.
    /// </summary>
    public static Tensor DeformConv2d(Tensor x, Tensor offset, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2 padding = default, Size2? dilation = null)
    {
        const string op = "deform_conv2d";
        RequireFloat(x, op); RequireFloat(offset, op, "offset"); RequireFloat(weight, op, "weight");
        if (x.Rank != 4) throw new ArgumentException($"{op}: input must be [N, C, H, W], got shape {ShapeUtil.Format(x.Dims)}");
        if (weight.Rank != 4) throw new ArgumentException($"{op}: weight must be [out, in, kh, kw], got shape {ShapeUtil.Format(weight.Dims)}");
        int n = x.Dims[0], cin = x.Dims[1], cout = weight.Dims[0];
        if (weight.Dims[1] != cin) throw new ArgumentException($"{op}: input has {cin} channels but weight {ShapeUtil.Format(weight.Dims)} expects {weight.Dims[1]} (input shape {ShapeUtil.Format(x.Dims)})");
        if (bias != null && (bias.Rank != 1 || bias.Dims[0] != cout)) throw new ArgumentException($"{op}: bias must be [{cout}], got {ShapeUtil.Format(bias.Dims)}");
        int[] s = (stride ?? 1).ToArray(), p = padding.ToArray(), d = (dilation ?? 1).ToArray(), k = weight.Dims[2..];
        CheckPositive(s, op, "stride"); CheckPositive(d, op, "dilation");
        var outSize = OutputSizes(x.Dims[2..], k, s, p, p, d, false, op, x);
        int taps = k[0] * k[1];
        if (!ShapeUtil.SameShape(offset.Dims, [n, 2 * taps, outSize[0], outSize[1]]))
            throw new ArgumentException($"{op}: offset must be [{n}, {2 * taps}, {outSize[0]}, {outSize[1]}] (2·kh·kw channels at the output size), got {ShapeUtil.Format(offset.Dims)}");
        var w = new Window(cin, x.Dims[2..], outSize, k, s, p, d);
        int P = w.OutPlane, K = cin * taps, inSize = cin * w.InPlane, offSize = 2 * taps * P;
        float[] xv = x.F32!, ov = offset.F32!, wv = weight.F32!;
        var y = BufferPool.RentZeroed(n * cout * P);
        long work = (long)n * cout * K * P;
        Work.For(n, work, i =>
        {
            var yn = y.AsSpan(i * cout * P, cout * P);
            if (bias != null) for (int o = 0; o < cout; o++) yn.Slice(o * P, P).Fill(bias.F32![o]);
            var cols = ArrayPool<float>.Shared.Rent(K * P);
            var pts = Deformable.Locate(ov.AsSpan(i * offSize, offSize), w);
            Deformable.Columns(xv.AsSpan(i * inSize, inSize), pts, cols.AsSpan(0, K * P), w);
            Gemm.Multiply(false, false, cout, P, K, 1f, wv, K, cols, P, bias != null ? 1f : 0f, yn, P);
            ArrayPool<float>.Shared.Return(cols);
        });
        var inputs = bias != null ? new[] { x, offset, weight, bias } : new[] { x, offset, weight };
        return Record(op, new Tensor([n, cout, .. outSize], y), g =>
        {
            var gv = g.F32!;
            bool wantX = x.RequiresGrad, wantOff = offset.RequiresGrad, wantW = weight.RequiresGrad;
            var dx = wantX ? BufferPool.RentZeroed(x.Numel) : null;
            var doff = wantOff ? BufferPool.RentZeroed(offset.Numel) : null;
            int chunks = wantW ? Work.ChunkCount(n, work) : 1;
            var dws = new float[chunks][];
            Work.ForChunks(chunks, n, (chunk, start, end) =>
            {
                var dw = wantW ? dws[chunk] = BufferPool.RentZeroed(weight.Numel) : null;
                var cols = ArrayPool<float>.Shared.Rent(K * P);
                for (int i = start; i < end; i++)
                {
                    var gn = gv.AsSpan(i * cout * P, cout * P);
                    var xn = xv.AsSpan(i * inSize, inSize);
                    var pts = Deformable.Locate(ov.AsSpan(i * offSize, offSize), w);
                    if (dw != null)
                    {
                        Deformable.Columns(xn, pts, cols.AsSpan(0, K * P), w);
                        Gemm.Multiply(false, true, cout, K, P, 1f, gn, P, cols, P, 1f, dw, K);
                    }
                    if (wantX || wantOff)
                    {
                        Gemm.Multiply(true, false, K, P, cout, 1f, wv, K, gn, P, 0f, cols, P);   // dcols = Wᵀ·dy
                        Deformable.ColumnsBackward(cols.AsSpan(0, K * P), xn, pts, wantX ? dx.AsSpan(i * inSize, inSize) : default,
                            wantOff ? doff.AsSpan(i * offSize, offSize) : default, w, wantX, wantOff);
                    }
                }
                ArrayPool<float>.Shared.Return(cols);
            });
            Tensor? gw = null, gb = null;
            if (wantW)
            {
                for (int c = 1; c < chunks; c++) TensorPrimitives.Add(dws[0], dws[c], dws[0]);
                gw = new Tensor(weight.Shape, dws[0]);
            }
            if (bias != null && bias.RequiresGrad)
            {
                var db = BufferPool.RentZeroed(cout);
                Kernels.Conv.BiasGrad(gv, db, n, cout, P);
                gb = new Tensor([cout], db);
            }
            Tensor? gx = dx != null ? new Tensor(x.Shape, dx) : null, go = doff != null ? new Tensor(offset.Shape, doff) : null;
            return bias != null ? [gx, go, gw, gb] : [gx, go, gw];
        }, inputs);
    }
}
