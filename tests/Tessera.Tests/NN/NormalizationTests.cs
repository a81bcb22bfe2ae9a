using Tessera.NN;

namespace Tessera.Tests.NN;

/// <summary>Normalisation layers: running-statistics state across steps, modes, unbatched inputs and argument errors.</summary>
public class NormalizationTests
{
    private static Tensor Randn(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed));

    [Fact]
    public void BatchNormMomentumNullIsTheCumulativeAverageOfBatchStatistics()
    {
        var bn = new BatchNorm1d(2, momentum: null);
        var batches = new[] { Randn(1, 5, 2), Randn(2, 7, 2), Randn(3, 4, 2) };
        foreach (var b in batches) bn.Forward(b);
        Assert.Equal(3, bn.NumBatchesTracked!.LongData[0]);
        for (int c = 0; c < 2; c++)
        {
            var means = batches.Select(b => Column(b, c).Average()).ToArray();
            var unbiased = batches.Select(b => { var col = Column(b, c); double m = col.Average(); return col.Sum(v => (v - m) * (v - m)) / (col.Length - 1); }).ToArray();
            Assert.Equal(means.Average(), bn.RunningMean!.Data[c], 5);
            Assert.Equal(unbiased.Average(), bn.RunningVar!.Data[c], 5);
        }
    }

    [Fact]
    public void BatchNormEvalLeavesBuffersAndUsesThem()
    {
        var bn = new BatchNorm2d(3);
        bn.Forward(Randn(1, 4, 3, 2, 2));
        var before = bn.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        bn.Eval();
        var x = Randn(2, 2, 3, 2, 2);
        var y = bn.Forward(x);
        foreach (var (k, v) in bn.StateDict()) Assert.Equal(before[k].ToArray(), v.ToArray());
        int i = 5, c = i / 4 % 3;  // element [0, 1, 0, 1]
        float expected = (x.Data[i] - bn.RunningMean!.Data[c]) / MathF.Sqrt(bn.RunningVar!.Data[c] + 1e-5f);
        Assert.Equal(expected, y.Data[i], 5);
    }

    [Fact]
    public void BatchNormWithoutRunningStatsHasNoBuffersAndNormalisesInEval()
    {
        var bn = new BatchNorm2d(2, affine: false, trackRunningStats: false);
        Assert.Empty(bn.StateDict());
        bn.Eval();
        var y = bn.Forward(Randn(3, 3, 2, 4, 4));
        for (int c = 0; c < 2; c++)
        {
            var col = Enumerable.Range(0, y.Numel).Where(i => i / 16 % 2 == c).Select(i => (double)y.Data[i]).ToArray();
            Assert.Equal(0, col.Average(), 5);
            Assert.Equal(1, col.Average(v => v * v), 3);
        }
    }

    [Fact]
    public void BatchNormStateDictUsesPyTorchNamesAndAnInt64Counter()
    {
        var sd = new BatchNorm2d(4).StateDict();
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], sd.Keys.ToArray());
        Assert.Equal(DType.Int64, sd["num_batches_tracked"].DType);
        Assert.Empty(sd["num_batches_tracked"].Shape);
    }

    [Fact]
    public void BatchNormErrorsNameLayerAndShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 4, 5, 5)));
        Assert.Contains("BatchNorm2d(num_features=3): input has 4 channels (shape [2, 4, 5, 5])", e.Message);
        e = Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 3, 5)));
        Assert.Contains("[2, 3, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3)));
        Assert.Contains("more than 1 value per channel", e.Message);
    }

    [Fact]
    public void LayerNormChecksTheTrailingShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new LayerNorm([4, 5]).Forward(Tensor.Zeros(2, 5, 4)));
        Assert.Contains("LayerNorm(normalized_shape=[4, 5])", e.Message);
        Assert.Contains("[2, 5, 4]", e.Message);
    }

    [Fact]
    public void GroupNormRejectsIndivisibleChannels()
    {
        Assert.Throws<ArgumentException>(() => new GroupNorm(3, 4));
        var e = Assert.Throws<ArgumentException>(() => new GroupNorm(2, 4).Forward(Tensor.Zeros(2, 6, 3)));
        Assert.Contains("[2, 6, 3]", e.Message);
    }

    [Fact]
    public void GroupNormWithOneGroupPerChannelIsInstanceNorm()
    {
        var x = Randn(4, 2, 3, 4, 5);
        var gn = new GroupNorm(3, 3, affine: false).Forward(x).ToArray();
        var inn = new InstanceNorm2d(3).Forward(x).ToArray();
        for (int i = 0; i < gn.Length; i++) Assert.Equal(inn[i], gn[i], 5);
    }

    [Fact]
    public void InstanceNormUnbatchedEqualsBatchedOfOne()
    {
        var m = new InstanceNorm1d(3, affine: true);
        m.Weight!.CopyFrom(Tensor.FromArray([0.5f, 2f, -1f])); m.Bias!.CopyFrom(Tensor.FromArray([0.1f, 0f, 0.3f]));
        var x = Randn(5, 3, 6);
        var unbatched = m.Forward(x);
        Assert.Equal([3, 6], unbatched.Shape);
        Assert.Equal(m.Forward(F.Unsqueeze(x, 0)).ToArray(), unbatched.ToArray());
    }

    [Fact]
    public void LocalResponseNormMatchesTheFormulaByLoops()
    {
        var x = Randn(6, 2, 5, 3);
        const int n = 4; const double alpha = 0.7, beta = 0.6, k = 1.5;
        var y = new LocalResponseNorm(n, alpha, beta, k).Forward(x);
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 5; c++)
                for (int p = 0; p < 3; p++)
                {
                    double s = 0;
                    for (int cc = Math.Max(0, c - n / 2); cc <= Math.Min(4, c + (n - 1) / 2); cc++) s += Math.Pow(x.Data[(b * 5 + cc) * 3 + p], 2);
                    double expected = x.Data[(b * 5 + c) * 3 + p] / Math.Pow(k + alpha / n * s, beta);
                    Assert.Equal(expected, y.Data[(b * 5 + c) * 3 + p], 5);
                }
    }

    private static double[] Column(Tensor t, int c) => Enumerable.Range(0, t.Dims[0]).Select(i => (double)t.Data[i * t.Dims[1] + c]).ToArray();
}
