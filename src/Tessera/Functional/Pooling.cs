using System.Runtime.InteropServices;
using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>Max over sliding windows. x [N, C, L] → [N, C, Lout]; stride defaults to the kernel size; padding acts as −∞.</summary>
    public static Tensor MaxPool1d(Tensor x, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => MaxPool(x, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode, "max_pool1d");

    /// <summary>Max over sliding windows. x [N, C, H, W] → [N, C, OH, OW].</summary>
    public static Tensor MaxPool2d(Tensor x, Size2 kernelSize, Size2? stride = null, Size2 padding = default, Size2? dilation = null, bool ceilMode = false)
        => MaxPool(x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), padding.ToArray(), (dilation ?? 1).ToArray(), ceilMode, "max_pool2d");

    /// <summary>Max over sliding windows. x [N, C, D, H, W] → [N, C, OD, OH, OW].</summary>
    public static Tensor MaxPool3d(Tensor x, Size3 kernelSize, Size3? stride = null, Size3 padding = default, Size3? dilation = null, bool ceilMode = false)
        => MaxPool(x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), padding.ToArray(), (dilation ?? 1).ToArray(), ceilMode, "max_pool3d");

    /// <summary>Mean over sliding windows. x [N, C, L] → [N, C, Lout]; with <paramref name="countIncludePad"/> padded zeros count in the divisor.</summary>
    public static Tensor AvgPool1d(Tensor x, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        => AvgPool(x, [kernelSize], [stride ?? kernelSize], [padding], ceilMode, countIncludePad, null, "avg_pool1d");

    /// <summary>Mean over sliding windows. x [N, C, H, W] → [N, C, OH, OW]; <paramref name="divisorOverride"/> replaces the window size as divisor.</summary>
    public static Tensor AvgPool2d(Tensor x, Size2 kernelSize, Size2? stride = null, Size2 padding = default, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => AvgPool(x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), padding.ToArray(), ceilMode, countIncludePad, divisorOverride, "avg_pool2d");

    /// <summary>Mean over sliding windows. x [N, C, D, H, W] → [N, C, OD, OH, OW].</summary>
    public static Tensor AvgPool3d(Tensor x, Size3 kernelSize, Size3? stride = null, Size3 padding = default, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => AvgPool(x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), padding.ToArray(), ceilMode, countIncludePad, divisorOverride, "avg_pool3d");

    /// <summary>Mean over adaptive bins [floor(i·L/O), ceil((i+1)·L/O)). x [N, C, L] → [N, C, O].</summary>
    public static Tensor AdaptiveAvgPool1d(Tensor x, int outputSize) => AdaptivePool(x, [outputSize], false, "adaptive_avg_pool1d");

    /// <summary>Mean over adaptive bins. x [N, C, H, W] → [N, C, OH, OW].</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor x, Size2 outputSize) => AdaptivePool(x, outputSize.ToArray(), false, "adaptive_avg_pool2d");

    /// <summary>Mean over adaptive bins. x [N, C, D, H, W] → [N, C, OD, OH, OW].</summary>
    public static Tensor AdaptiveAvgPool3d(Tensor x, Size3 outputSize) => AdaptivePool(x, outputSize.ToArray(), false, "adaptive_avg_pool3d");

    /// <summary>Max over adaptive bins. x [N, C, L] → [N, C, O].</summary>
    public static Tensor AdaptiveMaxPool1d(Tensor x, int outputSize) => AdaptivePool(x, [outputSize], true, "adaptive_max_pool1d");

    /// <summary>Max over adaptive bins. x [N, C, H, W] → [N, C, OH, OW].</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor x, Size2 outputSize) => AdaptivePool(x, outputSize.ToArray(), true, "adaptive_max_pool2d");

    /// <summary>Max over adaptive bins. x [N, C, D, H, W] → [N, C, OD, OH, OW].</summary>
    public static Tensor AdaptiveMaxPool3d(Tensor x, Size3 outputSize) => AdaptivePool(x, outputSize.ToArray(), true, "adaptive_max_pool3d");

    /// <summary>
    /// Power-average pooling y = (Σ_window xᵖ)^(1/p), computed as PyTorch does: ((k / n)·Σ xᵖ)^(1/p) = (k·AvgPool(xᵖ))^(1/p),
    /// so a partial ceil-mode window of n elements is rescaled. It is xᵖ, not |x|ᵖ. x [N, C, L] → [N, C, Lout].
    /// </summary>
    public static Tensor LpPool1d(Tensor x, float normType, int kernelSize, int? stride = null, bool ceilMode = false)
        => Pow(Mul(AvgPool(Pow(x, normType), [kernelSize], [stride ?? kernelSize], [0], ceilMode, true, null, "lp_pool1d"), (float)kernelSize), 1f / normType);

    /// <summary>Power-average pooling over kh×kw windows (see <see cref="LpPool1d"/>). x [N, C, H, W] → [N, C, OH, OW].</summary>
    public static Tensor LpPool2d(Tensor x, float normType, Size2 kernelSize, Size2? stride = null, bool ceilMode = false)
        => Pow(Mul(AvgPool(Pow(x, normType), kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), [0, 0], ceilMode, true, null, "lp_pool2d"),
            (float)(kernelSize.H * kernelSize.W)), 1f / normType);

    /// <summary>Global average pooling (Lin et al. 2014, Network in Network): the mean over H and W. x [N, C, H, W] → [N, C].</summary>
    public static Tensor GlobalAvgPool2d(Tensor x)
    {
        RequireRank(x, 4, 4, "global_avg_pool2d");
        return Reshape(AdaptivePool(x, [1, 1], false, "global_avg_pool2d"), x.Dims[0], x.Dims[1]);
    }

    /// <summary>Global max pooling: the max over H and W; the gradient goes to the argmax. x [N, C, H, W] → [N, C].</summary>
    public static Tensor GlobalMaxPool2d(Tensor x)
    {
        RequireRank(x, 4, 4, "global_max_pool2d");
        return Reshape(AdaptivePool(x, [1, 1], true, "global_max_pool2d"), x.Dims[0], x.Dims[1]);
    }

    internal static Tensor MaxPool(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, bool ceilMode, string op)
        => MaxPoolCore(x, kernel, stride, padding, dilation, ceilMode, op, indices: false).Y;

    private static (Tensor Y, float[]? Argmax) MaxPoolCore(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, bool ceilMode, string op, bool indices)
    {
        CheckPool(x, kernel, stride, padding, dilation, op);
        for (int i = 0; i < kernel.Length; i++)
            if (padding[i] < 0 || 2 * padding[i] > dilation[i] * (kernel[i] - 1) + 1)
                throw new ArgumentException($"{op}: padding {ShapeUtil.Format(padding)} must be at most half the dilated kernel {ShapeUtil.Format(kernel)} (dilation {ShapeUtil.Format(dilation)})");
        var axes = SlidingAxes(x, kernel, stride, padding, dilation, ceilMode, true, op);
        return PoolRun(x, axes, true, null, op, indices);
    }

    /// <summary>
    /// Max pooling over kernel.Length spatial dims that also returns, as return_indices=True does, the int64 index of each
    /// maximum within its input plane (flattened spatial dims), e.g. for max-unpooling.
    /// </summary>
    public static (Tensor Values, Tensor Indices) MaxPoolWithIndices(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, bool ceilMode = false)
    {
        var (y, argmax) = MaxPoolCore(x, kernel, stride, padding, dilation, ceilMode, $"max_pool{kernel.Length}d", indices: true);
        var idx = Indices(argmax!, 0, y.Numel);
        var longs = new long[idx.Length];
        for (int i = 0; i < longs.Length; i++) longs[i] = idx[i];
        return (y, new Tensor(y.Shape, longs));
    }

    internal static Tensor AvgPool(Tensor x, int[] kernel, int[] stride, int[] padding, bool ceilMode, bool countIncludePad, int? divisorOverride, string op)
    {
        var dilation = Enumerable.Repeat(1, kernel.Length).ToArray();
        CheckPool(x, kernel, stride, padding, dilation, op);
        for (int i = 0; i < kernel.Length; i++)
            if (padding[i] < 0 || 2 * padding[i] > kernel[i])
                throw new ArgumentException($"{op}: padding {ShapeUtil.Format(padding)} must be at most half the kernel {ShapeUtil.Format(kernel)}");
        if (divisorOverride is <= 0) throw new ArgumentException($"{op}: divisor_override must be positive, got {divisorOverride}");
        var axes = SlidingAxes(x, kernel, stride, padding, dilation, ceilMode, countIncludePad, op);
        return PoolRun(x, axes, false, divisorOverride, op).Y;
    }

    internal static Tensor AdaptivePool(Tensor x, int[] outputSize, bool max, string op)
    {
        RequireFloat(x, op);
        int dims = outputSize.Length;
        if (x.Rank < dims + 1) throw new ArgumentException($"{op}: input must be [N, C, {SpatialNames(dims)}] or [C, {SpatialNames(dims)}], got shape {ShapeUtil.Format(x.Dims)}");
        if (outputSize.Any(o => o < 1)) throw new ArgumentException($"{op}: output_size must be positive, got {ShapeUtil.Format(outputSize)}");
        var inSize = x.Dims[^dims..];
        if (inSize.Any(l => l < 1)) throw new ArgumentException($"{op}: input has an empty spatial dim (shape {ShapeUtil.Format(x.Dims)})");
        var axes = inSize.Select((l, i) => PoolAxis.Adaptive(l, outputSize[i])).ToArray();
        return PoolRun(x, axes, max, null, op).Y;
    }

    private static void CheckPool(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, string op)
    {
        RequireFloat(x, op);
        int dims = kernel.Length;
        if (x.Rank < dims + 1 || x.Rank > dims + 2) throw new ArgumentException($"{op}: input must be [N, C, {SpatialNames(dims)}] or [C, {SpatialNames(dims)}], got shape {ShapeUtil.Format(x.Dims)}");
        CheckPositive(kernel, op, "kernel_size"); CheckPositive(stride, op, "stride"); CheckPositive(dilation, op, "dilation");
    }

    private static PoolAxis[] SlidingAxes(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, bool ceilMode, bool countIncludePad, string op)
    {
        int dims = kernel.Length;
        var inSize = x.Dims[^dims..];
        var outSize = OutputSizes(inSize, kernel, stride, padding, padding, dilation, ceilMode, op, x);
        return inSize.Select((l, i) => PoolAxis.Sliding(l, outSize[i], kernel[i], stride[i], padding[i], dilation[i], countIncludePad)).ToArray();
    }

    /// <summary>
    /// Pools every channel plane of x (all dims before the pooled ones) with the given axis tables, in parallel for large
    /// inputs. Max pooling finds the argmax only when it is asked for (<paramref name="indices"/>) or x needs a gradient.
    /// </summary>
    private static (Tensor Y, float[]? Argmax) PoolRun(Tensor x, PoolAxis[] axes, bool max, int? divisorOverride, string op, bool indices = false)
    {
        int dims = axes.Length;
        var full = new PoolAxis[3 - dims].Select(_ => PoolAxis.Unit).Concat(axes).ToArray();
        var (ad, ah, aw) = (full[0], full[1], full[2]);
        int inPlane = ShapeUtil.Numel(x.Dims[^dims..]), outPlane = ad.Out * ah.Out * aw.Out;
        int planes = ShapeUtil.Numel(x.Dims[..^dims]);
        var outShape = x.Dims[..^dims].Concat(axes.Select(a => a.Out)).ToArray();
        var y = BufferPool.Rent(planes * outPlane);   // every output is written
        // The argmax indices are ints kept in a pooled float array (see Indices): an int[] of a large layer's size was a
        // fresh large-object allocation on every training step.
        var argmax = max && (indices || (GradMode.IsEnabled && x.RequiresGrad)) ? BufferPool.Rent(planes * outPlane) : null;
        double? div = divisorOverride;
        long work = (long)planes * (inPlane + outPlane);
        float[] xv = x.F32!;
        Work.For(planes, work, p =>
        {
            var src = xv.AsSpan(p * inPlane, inPlane);
            var dst = y.AsSpan(p * outPlane, outPlane);
            if (max) Pool.Max(src, dst, argmax != null ? Indices(argmax, p * outPlane, outPlane) : default, ad, ah, aw);
            else Pool.Avg(src, dst, ad, ah, aw, div);
        });
        var result = Record(op, new Tensor(outShape, y), g =>
        {
            var gv = g.F32!; var dx = BufferPool.RentZeroed(x.Numel);
            Work.For(planes, work, p =>
            {
                var gp = gv.AsSpan(p * outPlane, outPlane);
                var dp = dx.AsSpan(p * inPlane, inPlane);
                if (argmax != null) Pool.MaxBackward(gp, Indices(argmax, p * outPlane, outPlane), dp);
                else Pool.AvgBackward(gp, dp, ad, ah, aw, div);
            });
            return [new Tensor(x.Shape, dx)];
        }, x);
        return (result, argmax);
    }

    /// <summary>The int indices stored, bit for bit, in <paramref name="store"/>[start .. start + length).</summary>
    private static Span<int> Indices(float[] store, int start, int length) => MemoryMarshal.Cast<float, int>(store.AsSpan(start, length));
}
