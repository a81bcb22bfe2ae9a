namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Batch normalisation (Ioffe &amp; Szegedy 2015), torch.nn.functional.batch_norm. x [N, C, *] → same shape:
    /// y = (x − μ_c)/√(σ²_c + eps)·weight[c] + bias[c], statistics per channel over every dim but 1.
    /// <paramref name="training"/>: μ, σ² are the batch's (biased variance; gradients flow through them) and, when
    /// running buffers [C] are given, they are updated in place: r ← (1 − momentum)·r + momentum·stat, with the
    /// unbiased variance for running_var. Otherwise the running buffers are used as constants.
    /// One fused op: one pass for the statistics, one for the output, two for the closed-form backward.
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        const string op = "batch_norm";
        RequireFloat(x, op);
        if (x.Rank < 2) throw new ArgumentException($"{op}: input must be [N, C, *], got shape {ShapeUtil.Format(x.Dims)}");
        int n = x.Dims[0], c = x.Dims[1], s = ShapeUtil.Numel(x.Dims.AsSpan(2));
        CheckPerChannel(weight, c, op, "weight", x); CheckPerChannel(bias, c, op, "bias", x);
        CheckPerChannel(runningMean, c, op, "running_mean", x); CheckPerChannel(runningVar, c, op, "running_var", x);
        if ((runningMean == null) != (runningVar == null)) throw new ArgumentException($"{op}: running_mean and running_var must be given together");
        long count = (long)n * s;

        var mean = new double[c]; var variance = new double[c];
        if (training)
        {
            if (count <= 1) throw new ArgumentException($"{op}: expected more than 1 value per channel when training, got input shape {ShapeUtil.Format(x.Dims)}");
            Kernels.BatchNorm.Stats(x.F32!, n, c, s, mean, variance);
            if (runningMean != null && runningVar != null)
            {
                // The running variance is the unbiased estimate (Bessel's correction n/(n−1)), as PyTorch.
                var rm = runningMean.F32!; var rv = runningVar.F32!;
                for (int ch = 0; ch < c; ch++)
                {
                    rm[ch] = (float)((1 - momentum) * rm[ch] + momentum * mean[ch]);
                    rv[ch] = (float)((1 - momentum) * rv[ch] + momentum * variance[ch] * count / (count - 1));
                }
            }
        }
        else
        {
            if (runningMean == null || runningVar == null) throw new ArgumentException($"{op}: running_mean and running_var are needed when not training");
            for (int ch = 0; ch < c; ch++) { mean[ch] = runningMean.F32![ch]; variance[ch] = runningVar.F32![ch]; }
        }

        var invStd = new double[c]; var scale = BufferPool.RentZeroed(c); var offset = BufferPool.RentZeroed(c);
        for (int ch = 0; ch < c; ch++)
        {
            invStd[ch] = 1 / Math.Sqrt(variance[ch] + eps);
            scale[ch] = (float)(invStd[ch] * (weight?.F32![ch] ?? 1f));
            offset[ch] = bias?.F32![ch] ?? 0f;
        }
        var y = BufferPool.Rent(x.Numel);   // fully written by Apply
        Kernels.BatchNorm.Apply(x.F32!, y, n, c, s, mean, scale, offset);

        var inputs = new List<Tensor> { x };
        if (weight != null) inputs.Add(weight);
        if (bias != null) inputs.Add(bias);
        return Record(op, new Tensor(x.Shape, y), g =>
        {
            var sumG = new double[c]; var sumGX = new double[c];
            bool needSums = (training && x.RequiresGrad) || weight is { RequiresGrad: true } || bias is { RequiresGrad: true };
            if (needSums) Kernels.BatchNorm.BackwardSums(g.F32!, x.F32!, n, c, s, mean, sumG, sumGX);
            var grads = new List<Tensor?>();
            if (x.RequiresGrad)
            {
                // dx = w·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)) with batch statistics; w·σ⁻¹·g with running ones.
                var ga = BufferPool.RentZeroed(c); var xa = BufferPool.RentZeroed(c); var add = BufferPool.RentZeroed(c);
                for (int ch = 0; ch < c; ch++)
                {
                    double w = weight?.F32![ch] ?? 1.0, inv = invStd[ch];
                    ga[ch] = (float)(w * inv);
                    if (!training) continue;
                    xa[ch] = (float)(-w * inv * inv * inv * sumGX[ch] / count);
                    add[ch] = (float)(-w * inv * sumG[ch] / count);
                }
                var dx = BufferPool.Rent(x.Numel);   // fully written by BackwardInput
                Kernels.BatchNorm.BackwardInput(g.F32!, x.F32!, dx, n, c, s, mean, ga, xa, add);
                grads.Add(new Tensor(x.Shape, dx));
            }
            else grads.Add(null);
            if (weight != null)
                grads.Add(weight.RequiresGrad ? new Tensor([c], sumGX.Select((v, ch) => (float)(v * invStd[ch])).ToArray()) : null);
            if (bias != null)
                grads.Add(bias.RequiresGrad ? new Tensor([c], sumG.Select(v => (float)v).ToArray()) : null);
            return grads.ToArray();
        }, inputs.ToArray());
    }

    private static void CheckPerChannel(Tensor? t, int c, string op, string arg, Tensor x)
    {
        if (t == null) return;
        RequireFloat(t, op, arg);
        if (t.Rank != 1 || t.Dims[0] != c)
            throw new ArgumentException($"{op}: {arg} must be [{c}] for an input with {c} channels (shape {ShapeUtil.Format(x.Dims)}), got {ShapeUtil.Format(t.Dims)}");
    }
}
