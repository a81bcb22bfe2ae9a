using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Layer normalisation (Ba et al. 2016). x [*, S…] → same shape, with S = <paramref name="normalizedShape"/> the
    /// trailing dims: μ and biased σ² over S per sample, y = (x − μ)/√(σ² + eps)·weight + bias (weight, bias of shape S).
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        const string op = "layer_norm";
        RequireFloat(x, op);
        int k = normalizedShape.Length;
        if (k == 0 || x.Rank < k || !ShapeUtil.SameShape(x.Dims.AsSpan(x.Rank - k), normalizedShape))
            throw new ArgumentException($"LayerNorm(normalized_shape={ShapeUtil.Format(normalizedShape)}): input shape {ShapeUtil.Format(x.Dims)} does not end with the normalized shape");
        foreach (var (t, arg) in new[] { (weight, "weight"), (bias, "bias") })
            if (t != null && !ShapeUtil.SameShape(t.Dims, normalizedShape))
                throw new ArgumentException($"LayerNorm(normalized_shape={ShapeUtil.Format(normalizedShape)}): {arg} has shape {ShapeUtil.Format(t.Dims)}");
        var y = StandardizeRows(x, ShapeUtil.Numel(normalizedShape), eps, op);
        if (weight != null) y = Mul(y, weight);
        if (bias != null) y = Add(y, bias);
        return y;
    }

    /// <summary>
    /// Group normalisation (Wu &amp; He 2018). x [N, C, *] → same shape: the C channels split into
    /// <paramref name="numGroups"/> contiguous groups; μ and biased σ² per sample and group over (C/G channels × *);
    /// y = (x − μ)/√(σ² + eps)·weight[c] + bias[c].
    /// </summary>
    public static Tensor GroupNorm(Tensor x, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        const string op = "group_norm";
        RequireFloat(x, op);
        if (x.Rank < 2) throw new ArgumentException($"GroupNorm(num_groups={numGroups}): input must be [N, C, *], got shape {ShapeUtil.Format(x.Dims)}");
        int n = x.Dims[0], c = x.Dims[1];
        if (numGroups < 1 || c % numGroups != 0)
            throw new ArgumentException($"GroupNorm(num_groups={numGroups}): {c} channels are not divisible into {numGroups} groups (input shape {ShapeUtil.Format(x.Dims)})");
        CheckPerChannel(weight, c, $"GroupNorm(num_groups={numGroups})", "weight", x);
        CheckPerChannel(bias, c, $"GroupNorm(num_groups={numGroups})", "bias", x);
        int rows = n * numGroups;
        var y = StandardizeRows(x, rows == 0 ? 0 : x.Numel / rows, eps, op);
        return ChannelAffine(y, weight, bias);
    }

    /// <summary>
    /// Instance normalisation (Ulyanov et al. 2016), torch.nn.functional.instance_norm. x [N, C, *] → same shape:
    /// μ and biased σ² per sample and channel over the spatial dims; y = (x − μ)/√(σ² + eps)·weight[c] + bias[c].
    /// With running buffers [C] and <paramref name="useInputStats"/>, they are updated with the batch average of the
    /// instance statistics (unbiased variance); without <paramref name="useInputStats"/> the running ones are used.
    /// </summary>
    public static Tensor InstanceNorm(Tensor x, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null, Tensor? bias = null,
        bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        const string op = "instance_norm";
        RequireFloat(x, op);
        if (x.Rank < 3) throw new ArgumentException($"{op}: input must be [N, C, *] with at least one spatial dim, got shape {ShapeUtil.Format(x.Dims)}");
        int n = x.Dims[0], c = x.Dims[1], s = ShapeUtil.Numel(x.Dims.AsSpan(2));
        CheckPerChannel(weight, c, op, "weight", x); CheckPerChannel(bias, c, op, "bias", x);
        if (!useInputStats) return BatchNorm(x, runningMean, runningVar, weight, bias, false, momentum, eps);
        if (runningMean == null || runningVar == null)
        {
            if (s <= 1) throw new ArgumentException($"{op}: expected more than 1 spatial element per channel when training, got input shape {ShapeUtil.Format(x.Dims)}");
            return ChannelAffine(StandardizeRows(x, s, eps, op), weight, bias);
        }
        // As PyTorch: batch-normalise x viewed as [1, N·C, *] with the running buffers repeated N times, then
        // average the N updated copies back into the buffers.
        CheckPerChannel(runningMean, c, op, "running_mean", x); CheckPerChannel(runningVar, c, op, "running_var", x);
        var rm = BufferPool.RentZeroed(n * c); var rv = BufferPool.RentZeroed(n * c);
        for (int i = 0; i < n; i++) { runningMean.Data.CopyTo(rm.AsSpan(i * c)); runningVar.Data.CopyTo(rv.AsSpan(i * c)); }
        var xhat = BatchNorm(Reshape(x, [1, n * c, .. x.Dims[2..]]), Tensor.Wrap(rm, n * c), Tensor.Wrap(rv, n * c), null, null, true, momentum, eps);
        for (int ch = 0; ch < c; ch++)
        {
            double m = 0, v = 0;
            for (int i = 0; i < n; i++) { m += rm[i * c + ch]; v += rv[i * c + ch]; }
            runningMean.Data[ch] = (float)(m / n); runningVar.Data[ch] = (float)(v / n);
        }
        return ChannelAffine(Reshape(xhat, x.Shape), weight, bias);
    }

    /// <summary>
    /// Local response normalisation across channels (Krizhevsky et al. 2012), torch.nn.functional.local_response_norm.
    /// x [N, C, *] (at least 3 dims) → same shape: y_c = x_c / (k + α/n · Σ_{c' = c − ⌊n/2⌋}^{c + ⌊(n−1)/2⌋} x_{c'}²)^β,
    /// channels outside [0, C) contributing 0. Composed from differentiable ops.
    /// </summary>
    public static Tensor LocalResponseNorm(Tensor x, int size, double alpha = 1e-4, double beta = 0.75, double k = 1.0)
    {
        const string op = "local_response_norm";
        RequireFloat(x, op);
        if (x.Rank < 3) throw new ArgumentException($"LocalResponseNorm(size={size}): input must be [N, C, *] with at least 3 dims, got shape {ShapeUtil.Format(x.Dims)}");
        if (size < 1) throw new ArgumentException($"LocalResponseNorm: size must be positive, got {size}");
        int n = x.Dims[0], c = x.Dims[1], rest = ShapeUtil.Numel(x.Dims.AsSpan(2));
        int below = size / 2, above = (size - 1) / 2;
        var squares = Reshape(Square(x), n, c, rest);
        var padded = Cat([Tensor.Zeros(n, below, rest), squares, Tensor.Zeros(n, above, rest)], 1);
        // Window sum: padded channel c + j holds input channel c + j − ⌊n/2⌋.
        var windowSum = Narrow(padded, 1, 0, c);
        for (int j = 1; j < size; j++) windowSum = Add(windowSum, Narrow(padded, 1, j, c));
        var denom = Pow(Add(Mul(windowSum, (float)(alpha / size)), (float)k), (float)beta);
        return Div(x, Reshape(denom, x.Shape));
    }

    /// <summary>y = x·weight[c] + bias[c] over x [N, C, *] (either may be null).</summary>
    private static Tensor ChannelAffine(Tensor x, Tensor? weight, Tensor? bias)
    {
        var shape = Enumerable.Repeat(1, x.Rank - 1).ToArray();
        shape[0] = x.Dims[1];
        if (weight != null) x = Mul(x, Reshape(weight, shape));
        if (bias != null) x = Add(x, Reshape(bias, shape));
        return x;
    }

    /// <summary>Standardises x viewed as contiguous rows of <paramref name="rowLength"/> values (one fused op with a closed-form backward).</summary>
    internal static Tensor StandardizeRows(Tensor x, int rowLength, double eps, string op)
    {
        if (rowLength < 1 || x.Numel % rowLength != 0) throw new ArgumentException($"{op}: cannot normalise rows of {rowLength} values in input of shape {ShapeUtil.Format(x.Dims)}");
        int rows = x.Numel / rowLength;
        var y = BufferPool.RentZeroed(x.Numel); var invStd = BufferPool.RentZeroed(rows);
        RowNorm.Forward(x.F32!, y, rows, rowLength, eps, invStd);
        return Record(op, new Tensor(x.Shape, y), g =>
        {
            var dx = BufferPool.RentZeroed(x.Numel);
            RowNorm.Backward(g.F32!, y, dx, rows, rowLength, invStd);
            return [new Tensor(x.Shape, dx)];
        }, x);
    }
}
