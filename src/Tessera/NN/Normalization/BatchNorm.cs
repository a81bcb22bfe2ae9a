namespace Tessera.NN;

/// <summary>
/// Batch normalisation (Ioffe &amp; Szegedy 2015), the shared body of <see cref="BatchNorm1d"/>, <see cref="BatchNorm2d"/>
/// and <see cref="BatchNorm3d"/> (torch.nn.BatchNorm*d). Per channel c, statistics over every dim but 1:
/// y = (x − μ_c)/√(σ²_c + eps)·weight[c] + bias[c]. Training (or track_running_stats = false) uses the batch's
/// statistics; with running statistics, training also updates them: num_batches_tracked += 1, then
/// r ← (1 − f)·r + f·stat with f = momentum, or 1/num_batches_tracked when momentum is null (a cumulative
/// average); running_var takes the unbiased batch variance. Eval uses the running statistics.
/// Params weight [C] (ones), bias [C] (zeros) if affine; buffers running_mean [C], running_var [C],
/// num_batches_tracked (int64 scalar) if track_running_stats.
/// </summary>
public abstract class BatchNormBase : RunningStatsNorm
{
    /// <summary>Weight of the newest batch in the running averages; null for a cumulative average.</summary>
    public double? Momentum { get; }

    protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats)
        : base(numFeatures, eps, affine, trackRunningStats) => Momentum = momentum;

    /// <summary>Throws unless x has the rank this layer expects (the channel count is checked by <see cref="Forward"/>).</summary>
    protected abstract void CheckRank(Tensor x);

    public override Tensor Forward(Tensor x)
    {
        CheckRank(x);
        if (x.Dims[1] != NumFeatures) throw new ArgumentException($"{Name}(num_features={NumFeatures}): input has {x.Dims[1]} channels (shape {ShapeUtil.Format(x.Dims)})");
        double factor = Momentum ?? 0.0;
        if (Training && NumBatchesTracked != null)
        {
            long tracked = ++NumBatchesTracked.LongData[0];
            factor = Momentum ?? 1.0 / tracked;
        }
        return F.BatchNorm(x, RunningMean, RunningVar, Weight, Bias, Training || !TrackRunningStats, factor, Eps);
    }

    public override string ExtraRepr()
        => $"{NumFeatures}, eps={Eps}, momentum={(Momentum is double m ? m.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None")}, affine={Affine}, track_running_stats={TrackRunningStats}";
}

/// <summary>Batch normalisation of [N, C] (statistics over N) or [N, C, L] (over N and L) inputs.</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    protected override void CheckRank(Tensor x)
    {
        if (x.Rank != 2 && x.Rank != 3) throw new ArgumentException($"{Name}(num_features={NumFeatures}): expected a 2-d [N, C] or 3-d [N, C, L] input, got shape {ShapeUtil.Format(x.Dims)}");
    }
}

/// <summary>Batch normalisation of images [N, C, H, W], statistics per channel over N, H, W.</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    protected override void CheckRank(Tensor x)
    {
        if (x.Rank != 4) throw new ArgumentException($"{Name}(num_features={NumFeatures}): expected a 4-d input [N, C, H, W], got shape {ShapeUtil.Format(x.Dims)}");
    }
}

/// <summary>Batch normalisation of volumes [N, C, D, H, W], statistics per channel over N, D, H, W.</summary>
public sealed class BatchNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    protected override void CheckRank(Tensor x)
    {
        if (x.Rank != 5) throw new ArgumentException($"{Name}(num_features={NumFeatures}): expected a 5-d input [N, C, D, H, W], got shape {ShapeUtil.Format(x.Dims)}");
    }
}
