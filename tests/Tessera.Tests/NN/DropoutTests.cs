using Tessera.NN;

namespace Tessera.Tests.NN;

/// <summary>Dropout's training-mode randomness, tested statistically (the conformance cases pin eval mode only).</summary>
public class DropoutTests
{
    [Fact]
    public void DropoutKeepsTheMeanAndDropsAboutP()
    {
        Generator.ManualSeed(1);
        var y = new Dropout(0.3f).Forward(Tensor.Ones(100_000)).ToArray();
        double zeros = y.Count(v => v == 0) / (double)y.Length;
        Assert.InRange(zeros, 0.29, 0.31);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / 0.7f, v, 5));
        Assert.InRange(y.Average(), 0.98, 1.02);
    }

    [Fact]
    public void EvalModeIsIdentityAndGradientPassesThrough()
    {
        var d = new Dropout(0.5f); d.Eval();
        var x = Tensor.Randn([4, 5]).RequiresGrad_();
        var y = d.Forward(x);
        Assert.Equal(x.ToArray(), y.ToArray());
        y.Sum().Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Dropout2dDropsWholeChannels()
    {
        Generator.ManualSeed(2);
        var y = new Dropout2d(0.5f).Forward(Tensor.Ones(8, 16, 3, 3)).Reshape(8 * 16, 9).ToArray();
        for (int c = 0; c < 8 * 16; c++)
        {
            var ch = y.Skip(c * 9).Take(9).Distinct().ToList();
            Assert.Single(ch);
        }
        Assert.InRange(y.Count(v => v == 0) / (double)y.Length, 0.35, 0.65);
    }

    [Fact]
    public void AlphaDropoutKeepsZeroMeanUnitVariance()
    {
        Generator.ManualSeed(3);
        var x = Tensor.Randn([200_000]);
        var y = new AlphaDropout(0.2f).Forward(x).ToArray();
        double mean = y.Average(), var = y.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(var, 0.97, 1.03);
    }

    [Fact]
    public void SameSeedSameMaskAndBadPRejected()
    {
        Generator.ManualSeed(4); var a = F.Dropout(Tensor.Ones(50), 0.5f).ToArray();
        Generator.ManualSeed(4); var b = F.Dropout(Tensor.Ones(50), 0.5f).ToArray();
        Assert.Equal(a, b);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5f));
    }
}
