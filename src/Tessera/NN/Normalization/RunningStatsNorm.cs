namespace Tessera.NN;

/// <summary>
/// What batch and instance normalisation share: C channels, eps, the optional affine weight [C] (ones) and bias [C]
/// (zeros), and the optional buffers running_mean [C] (zeros), running_var [C] (ones) and num_batches_tracked (int64
/// scalar), registered under PyTorch's names and in its order so state dicts load either way.
/// </summary>
public abstract class RunningStatsNorm : Module
{
    public int NumFeatures { get; }
    public double Eps { get; }
    public bool Affine { get; }
    public bool TrackRunningStats { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }
    public Tensor? RunningMean { get; }
    public Tensor? RunningVar { get; }
    public Tensor? NumBatchesTracked { get; }

    /// <param name="numFeatures">C, the channels (dim 1 of the input).</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="affine">Learn a per-channel weight and bias.</param>
    /// <param name="trackRunningStats">Keep running averages of the statistics (used in eval).</param>
    protected RunningStatsNorm(int numFeatures, double eps, bool affine, bool trackRunningStats)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), $"{Name}: num_features must be positive, got {numFeatures}");
        if (eps < 0) throw new ArgumentOutOfRangeException(nameof(eps), $"{Name}: eps must be non-negative, got {eps}");
        (NumFeatures, Eps, Affine, TrackRunningStats) = (numFeatures, eps, affine, trackRunningStats);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        else { RegisterNullParameter("weight"); RegisterNullParameter("bias"); }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", new Tensor([], new long[1]));
        }
    }

    /// <summary>Running mean 0, running variance 1, no batches tracked.</summary>
    public void ResetRunningStats()
    {
        RunningMean?.Data.Fill(0f);
        RunningVar?.Data.Fill(1f);
        if (NumBatchesTracked != null) NumBatchesTracked.LongData[0] = 0;
    }

    /// <summary>Resets the running statistics, weight to 1 and bias to 0.</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (Weight != null) Init.Ones(Weight);
        if (Bias != null) Init.Zeros(Bias);
    }
}
