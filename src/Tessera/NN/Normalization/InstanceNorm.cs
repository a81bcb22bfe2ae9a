namespace Tessera.NN;

/// <summary>
/// Instance normalisation (Ulyanov et al. 2016), the shared body of <see cref="InstanceNorm1d"/> and
/// <see cref="InstanceNorm2d"/> (torch.nn.InstanceNorm*d): μ and biased σ² per sample and channel over the spatial
/// dims, y = (x − μ)/√(σ² + eps)·weight[c] + bias[c] — it removes each image's contrast, the norm of style transfer.
/// Unbatched inputs [C, *] are accepted. Affine is off by default (as PyTorch); with track_running_stats the batch
/// averages of the instance statistics are tracked in training and used in eval.
/// </summary>
public abstract class InstanceNormBase : RunningStatsNorm
{
    public double Momentum { get; }

    /// <summary>Number of spatial dims (1 for InstanceNorm1d, 2 for InstanceNorm2d).</summary>
    protected abstract int SpatialDims { get; }

    protected InstanceNormBase(int numFeatures, double eps, double momentum, bool affine, bool trackRunningStats)
        : base(numFeatures, eps, affine, trackRunningStats) => Momentum = momentum;

    public override Tensor Forward(Tensor x)
    {
        int d = SpatialDims;
        if (x.Rank != d + 1 && x.Rank != d + 2)
            throw new ArgumentException($"{Name}(num_features={NumFeatures}): expected a {d + 1}-d (unbatched) or {d + 2}-d input, got shape {ShapeUtil.Format(x.Dims)}");
        bool unbatched = x.Rank == d + 1;
        int c = x.Dims[unbatched ? 0 : 1];
        // PyTorch only needs the channel count to match when it has per-channel parameters or buffers.
        if (c != NumFeatures && (Affine || TrackRunningStats))
            throw new ArgumentException($"{Name}(num_features={NumFeatures}): input has {c} channels (shape {ShapeUtil.Format(x.Dims)})");
        var xb = unbatched ? F.Unsqueeze(x, 0) : x;
        var y = F.InstanceNorm(xb, RunningMean, RunningVar, Weight, Bias, Training || !TrackRunningStats, Momentum, Eps);
        return unbatched ? F.Squeeze(y, 0) : y;
    }

    public override string ExtraRepr() => $"{NumFeatures}, eps={Eps}, momentum={Momentum}, affine={Affine}, track_running_stats={TrackRunningStats}";
}

/// <summary>Instance normalisation of sequences [N, C, L] (or unbatched [C, L]).</summary>
public sealed class InstanceNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    protected override int SpatialDims => 1;
}

/// <summary>Instance normalisation of images [N, C, H, W] (or unbatched [C, H, W]).</summary>
public sealed class InstanceNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    protected override int SpatialDims => 2;
}
