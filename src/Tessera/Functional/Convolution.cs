using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>1-d convolution (cross-correlation, no kernel flip). x [N, Cin, L], weight [Cout, Cin/groups, k], bias [Cout] → [N, Cout, Lout].</summary>
    public static Tensor Conv1d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, ConvPadding padding = default, int dilation = 1, int groups = 1)
        => Conv(x, weight, bias, [stride], padding, [dilation], groups, "conv1d");

    /// <summary>2-d convolution. x [N, Cin, H, W], weight [Cout, Cin/groups, kh, kw], bias [Cout] → [N, Cout, OH, OW].</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, Size2? stride = null, ConvPadding padding = default, Size2? dilation = null, int groups = 1)
        => Conv(x, weight, bias, (stride ?? 1).ToArray(), padding, (dilation ?? 1).ToArray(), groups, "conv2d");

    /// <summary>3-d convolution. x [N, Cin, D, H, W], weight [Cout, Cin/groups, kd, kh, kw], bias [Cout] → [N, Cout, OD, OH, OW].</summary>
    public static Tensor Conv3d(Tensor x, Tensor weight, Tensor? bias = null, Size3? stride = null, ConvPadding padding = default, Size3? dilation = null, int groups = 1)
        => Conv(x, weight, bias, (stride ?? 1).ToArray(), padding, (dilation ?? 1).ToArray(), groups, "conv3d");

    /// <summary>A convolution over stride.Length spatial dims with zero padding resolved from <paramref name="padding"/>. An unbatched input [Cin, *] gives an unbatched output.</summary>
    internal static Tensor Conv(Tensor x, Tensor weight, Tensor? bias, int[] stride, ConvPadding padding, int[] dilation, int groups, string op)
    {
        int dims = stride.Length;
        if (weight.Rank != dims + 2) throw new ArgumentException($"{op}: weight must be [out, in/groups, {KernelNames(dims)}], got shape {ShapeUtil.Format(weight.Dims)}");
        var (before, after) = padding.Resolve(dims, weight.Dims[2..], dilation, stride, op);
        return ConvCore(x, weight, bias, stride, before, after, dilation, groups, op);
    }

    /// <summary>
    /// y[n, o, i…] = bias[o] + Σ_{c &lt; Cin/G, u…} weight[o, c, u…] · xpad[n, g·Cin/G + c, i·s + u·d …] with g = o div (Cout/G),
    /// where xpad is x zero-padded by <paramref name="padBefore"/>/<paramref name="padAfter"/> (LeCun et al. 1989).
    /// Forward is im2col + GEMM; the backward is dx = col2im(Wᵀ·dy), dW = dy·colsᵀ, db = Σ dy.
    /// </summary>
    internal static Tensor ConvCore(Tensor x, Tensor weight, Tensor? bias, int[] stride, int[] padBefore, int[] padAfter, int[] dilation, int groups, string op)
    {
        int dims = stride.Length;
        RequireFloat(x, op); RequireFloat(weight, op, "weight");
        if (x.Rank == dims + 1) return Squeeze(ConvCore(Unsqueeze(x, 0), weight, bias, stride, padBefore, padAfter, dilation, groups, op), 0);
        if (x.Rank != dims + 2) throw new ArgumentException($"{op}: input must be [N, C, {SpatialNames(dims)}] ({dims + 2} dims), got shape {ShapeUtil.Format(x.Dims)}");
        if (weight.Rank != dims + 2) throw new ArgumentException($"{op}: weight must be [out, in/groups, {KernelNames(dims)}], got shape {ShapeUtil.Format(weight.Dims)}");
        int n = x.Dims[0], cin = x.Dims[1], cout = weight.Dims[0], cinG = weight.Dims[1];
        if (groups < 1 || cout % groups != 0) throw new ArgumentException($"{op}(groups={groups}): the {cout} output channels of weight {ShapeUtil.Format(weight.Dims)} do not split into {groups} groups");
        if (cinG * groups != cin)
            throw new ArgumentException($"{op}: input has {cin} channels but weight {ShapeUtil.Format(weight.Dims)} with groups={groups} expects {cinG * groups} (input shape {ShapeUtil.Format(x.Dims)})");
        if (bias != null) { RequireFloat(bias, op, "bias"); if (bias.Rank != 1 || bias.Dims[0] != cout) throw new ArgumentException($"{op}: bias must be [{cout}], got {ShapeUtil.Format(bias.Dims)}"); }
        CheckPositive(stride, op, "stride"); CheckPositive(dilation, op, "dilation");
        var kernel = weight.Dims[2..];
        var inSize = x.Dims[2..];
        var outSize = OutputSizes(inSize, kernel, stride, padBefore, padAfter, dilation, false, op, x);
        var w = new Window(cin, inSize, outSize, kernel, stride, padBefore, dilation);
        var y = BufferPool.Rent(n * cout * w.OutPlane);
        Kernels.Conv.Forward(x.F32!, weight.F32!, bias?.F32, y, n, cout, groups, w);
        var inputs = bias != null ? new[] { x, weight, bias } : new[] { x, weight };
        return Record(op, new Tensor([n, cout, .. outSize], y), g =>
        {
            var gv = g.F32!;
            Tensor? gx = null, gw = null, gb = null;
            if (x.RequiresGrad)
            {
                var dx = BufferPool.Rent(x.Numel);
                Kernels.Conv.BackwardInput(gv, weight.F32!, dx, n, cout, groups, w);
                gx = new Tensor(x.Shape, dx);
            }
            if (weight.RequiresGrad)
            {
                var dw = BufferPool.Rent(weight.Numel);
                Kernels.Conv.BackwardWeight(gv, x.F32!, dw, n, cout, groups, w);
                gw = new Tensor(weight.Shape, dw);
            }
            if (bias != null && bias.RequiresGrad)
            {
                var db = BufferPool.RentZeroed(cout);
                Kernels.Conv.BiasGrad(gv, db, n, cout, w.OutPlane);
                gb = new Tensor([cout], db);
            }
            return bias != null ? [gx, gw, gb] : [gx, gw];
        }, inputs);
    }

    /// <summary>
    /// Per-dim output sizes of a sliding window; throws naming the op and shapes when the padded input is smaller
    /// than the dilated kernel.
    /// </summary>
    internal static int[] OutputSizes(int[] inSize, int[] kernel, int[] stride, int[] padBefore, int[] padAfter, int[] dilation, bool ceilMode, string op, Tensor x)
    {
        int dims = inSize.Length;
        var outSize = new int[dims];
        for (int i = 0; i < dims; i++)
        {
            if (kernel[i] < 1) throw new ArgumentException($"{op}: kernel size must be positive, got {ShapeUtil.Format(kernel)}");
            outSize[i] = Window.OutSize(inSize[i], kernel[i], stride[i], padBefore[i], padAfter[i], dilation[i], ceilMode);
        }
        if (outSize.Any(o => o < 1))
        {
            var padded = inSize.Select((l, i) => l + padBefore[i] + padAfter[i]).ToArray();
            var dilated = kernel.Select((k, i) => dilation[i] * (k - 1) + 1).ToArray();
            throw new ArgumentException($"{op}: padded input {ShapeUtil.Format(padded)} is smaller than the dilated kernel {ShapeUtil.Format(dilated)} (input shape {ShapeUtil.Format(x.Dims)}, padding {ShapeUtil.Format(padBefore)})");
        }
        return outSize;
    }

    internal static void CheckPositive(int[] values, string op, string arg)
    {
        if (values.Any(v => v < 1)) throw new ArgumentException($"{op}: {arg} must be positive, got {ShapeUtil.Format(values)}");
    }

    internal static string SpatialNames(int dims) => dims switch { 1 => "L", 2 => "H, W", _ => "D, H, W" };
    private static string KernelNames(int dims) => dims switch { 1 => "k", 2 => "kh, kw", _ => "kd, kh, kw" };
}
