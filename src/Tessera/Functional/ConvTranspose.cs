using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>1-d transposed convolution. x [N, Cin, L], weight [Cin, Cout/groups, k], bias [Cout] → [N, Cout, (L−1)s − 2p + d(k−1) + op + 1].</summary>
    public static Tensor ConvTranspose1d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1)
        => ConvTransposeCore(x, weight, bias, [stride], [padding], [outputPadding], [dilation], groups, "conv_transpose1d");

    /// <summary>2-d transposed convolution. x [N, Cin, H, W], weight [Cin, Cout/groups, kh, kw], bias [Cout] → [N, Cout, OH, OW].</summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2 padding = default, Size2 outputPadding = default, int groups = 1, Size2? dilation = null)
        => ConvTransposeCore(x, weight, bias, (stride ?? 1).ToArray(), padding.ToArray(), outputPadding.ToArray(), (dilation ?? 1).ToArray(), groups, "conv_transpose2d");

    /// <summary>3-d transposed convolution. x [N, Cin, D, H, W], weight [Cin, Cout/groups, kd, kh, kw], bias [Cout] → [N, Cout, OD, OH, OW].</summary>
    public static Tensor ConvTranspose3d(Tensor x, Tensor weight, Tensor? bias = null, Size3? stride = null, Size3 padding = default, Size3 outputPadding = default, int groups = 1, Size3? dilation = null)
        => ConvTransposeCore(x, weight, bias, (stride ?? 1).ToArray(), padding.ToArray(), outputPadding.ToArray(), (dilation ?? 1).ToArray(), groups, "conv_transpose3d");

    /// <summary>
    /// The fractionally strided convolution (Zeiler et al. 2010; the decoder of DCGAN), the gradient of a Conv with
    /// respect to its input. Per dim it scatters full[i·s + u·d] += x[i]·w[u] and keeps full[p : p + Lout], with
    /// Lout = (L−1)·s − 2p + d·(k−1) + op + 1, so output_padding only adds positions at the end. Forward is
    /// col2im(Wᵀ·x); the backward is a plain convolution of dy (dx = W·im2col(dy), dW = x·im2col(dy)ᵀ).
    /// </summary>
    internal static Tensor ConvTransposeCore(Tensor x, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] outputPadding, int[] dilation, int groups, string op)
    {
        int dims = stride.Length;
        RequireFloat(x, op); RequireFloat(weight, op, "weight");
        if (x.Rank == dims + 1) return Squeeze(ConvTransposeCore(Unsqueeze(x, 0), weight, bias, stride, padding, outputPadding, dilation, groups, op), 0);
        if (x.Rank != dims + 2) throw new ArgumentException($"{op}: input must be [N, C, {SpatialNames(dims)}] ({dims + 2} dims), got shape {ShapeUtil.Format(x.Dims)}");
        if (weight.Rank != dims + 2) throw new ArgumentException($"{op}: weight must be [in, out/groups, k…] ({dims + 2} dims), got shape {ShapeUtil.Format(weight.Dims)}");
        int n = x.Dims[0], cin = x.Dims[1];
        if (groups < 1 || cin % groups != 0) throw new ArgumentException($"{op}(groups={groups}): the {cin} input channels do not split into {groups} groups (input shape {ShapeUtil.Format(x.Dims)})");
        if (weight.Dims[0] != cin) throw new ArgumentException($"{op}: input has {cin} channels but weight {ShapeUtil.Format(weight.Dims)} expects {weight.Dims[0]} (input shape {ShapeUtil.Format(x.Dims)})");
        int cout = weight.Dims[1] * groups;
        if (bias != null) { RequireFloat(bias, op, "bias"); if (bias.Rank != 1 || bias.Dims[0] != cout) throw new ArgumentException($"{op}: bias must be [{cout}], got {ShapeUtil.Format(bias.Dims)}"); }
        CheckPositive(stride, op, "stride"); CheckPositive(dilation, op, "dilation");
        var kernel = weight.Dims[2..];
        var inSize = x.Dims[2..];
        var outSize = new int[dims];
        for (int i = 0; i < dims; i++)
        {
            if (padding[i] < 0 || outputPadding[i] < 0) throw new ArgumentException($"{op}: padding {ShapeUtil.Format(padding)} and output_padding {ShapeUtil.Format(outputPadding)} must be non-negative");
            if (outputPadding[i] >= Math.Max(stride[i], dilation[i]))
                throw new ArgumentException($"{op}: output_padding {ShapeUtil.Format(outputPadding)} must be smaller than max(stride, dilation) in every dim (stride {ShapeUtil.Format(stride)}, dilation {ShapeUtil.Format(dilation)})");
            outSize[i] = (inSize[i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1;
        }
        if (outSize.Any(o => o < 1))
            throw new ArgumentException($"{op}: output size {ShapeUtil.Format(outSize)} is not positive (input shape {ShapeUtil.Format(x.Dims)}, kernel {ShapeUtil.Format(kernel)}, padding {ShapeUtil.Format(padding)})");
        // The Conv whose input gradient this is: C = Cout channels, its input is our output, its output our input.
        var w = new Window(cout, outSize, inSize, kernel, stride, padding, dilation);
        var y = BufferPool.RentZeroed(n * cout * w.InPlane);
        Kernels.Conv.TransposeForward(x.F32!, weight.F32!, bias?.F32, y, n, cin, groups, w);
        var inputs = bias != null ? new[] { x, weight, bias } : new[] { x, weight };
        return Record(op, new Tensor([n, cout, .. outSize], y), g =>
        {
            var gv = g.F32!;
            Tensor? gx = null, gw = null, gb = null;
            if (x.RequiresGrad)
            {
                var dx = BufferPool.RentZeroed(x.Numel);
                Kernels.Conv.TransposeBackwardInput(gv, weight.F32!, dx, n, cin, groups, w);
                gx = new Tensor(x.Shape, dx);
            }
            if (weight.RequiresGrad)
            {
                var dw = BufferPool.RentZeroed(weight.Numel);
                Kernels.Conv.TransposeBackwardWeight(gv, x.F32!, dw, n, cin, groups, w);
                gw = new Tensor(weight.Shape, dw);
            }
            if (bias != null && bias.RequiresGrad)
            {
                var db = BufferPool.RentZeroed(cout);
                Kernels.Conv.BiasGrad(gv, db, n, cout, w.InPlane);
                gb = new Tensor([cout], db);
            }
            return bias != null ? [gx, gw, gb] : [gx, gw];
        }, inputs);
    }
}
