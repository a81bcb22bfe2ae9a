namespace Tessera.Tests.Functional;

/// <summary>Finite-difference gradient checks (random cotangents) for the normalisation and binary ops of the blocks family.</summary>
public class NormGradCheckTests
{
    private static Tensor R(int seed, params int[] shape) => GradCheck.AwayFromZero(shape, seed);

    [Fact]
    public void BatchNormTrainWithAffine()
        => GradCheck.Check(xs => F.BatchNorm(xs[0], null, null, xs[1], xs[2], training: true), [R(1, 3, 2, 3, 2), R(2, 2), R(3, 2)]);

    [Fact]
    public void BatchNormTrain2dInputNoAffine()
        => GradCheck.Check(xs => F.BatchNorm(xs[0], null, null, null, null, training: true, eps: 1e-3), [R(1, 5, 3)]);

    [Fact]
    public void BatchNormEvalUsesRunningStatsAsConstants()
    {
        var rm = Tensor.FromArray([0.3f, -0.2f]); var rv = Tensor.FromArray([0.8f, 1.7f]);
        GradCheck.Check(xs => F.BatchNorm(xs[0], rm, rv, xs[1], xs[2], training: false), [R(1, 3, 2, 4), R(2, 2), R(3, 2)]);
    }

    [Fact]
    public void LayerNormOverTwoDims() => GradCheck.Check(xs => F.LayerNorm(xs[0], [3, 4], xs[1], xs[2]), [R(1, 2, 3, 4), R(2, 3, 4), R(3, 3, 4)]);

    [Fact]
    public void GroupNorm() => GradCheck.Check(xs => F.GroupNorm(xs[0], 2, xs[1], xs[2]), [R(1, 2, 4, 3), R(2, 4), R(3, 4)]);

    [Fact]
    public void InstanceNorm() => GradCheck.Check(xs => F.InstanceNorm(xs[0], weight: xs[1], bias: xs[2]), [R(1, 2, 3, 5), R(2, 3), R(3, 3)]);

    [Fact]
    public void LocalResponseNormEvenSize() => GradCheck.Check(xs => F.LocalResponseNorm(xs[0], 4, 0.9, 0.6, 1.2), [R(1, 2, 5, 3)]);

    [Fact]
    public void BinarizeWeightFollowsTheCatalogChainRule()
    {
        // A finite difference cannot check this gradient: the straight-through estimator replaces sign's true
        // derivative (0). So compare with the catalog's formula, written out by loops, for a random cotangent G:
        // ∂L/∂W[o,i] = α_o·1{|W[o,i]| ≤ 1}·G[o,i] + sign(W[o,i])/n · Σ_j G[o,j]·sign(W[o,j]).
        var wv = new[] { 0.5f, -1.5f, 0.25f, -0.75f, 1.3f, -0.4f, 0.6f, 1.8f, -0.2f, 0.7f, -1.2f, 0.35f };
        var w = Tensor.FromArray(wv, 3, 4).RequiresGrad_();
        var g = Tensor.Randn([3, 4], new Generator(5));
        var wb = F.BinarizeWeight(w);
        F.Sum(F.Mul(wb, g)).Backward();
        var gw = w.Grad!.ToArray(); var gv = g.ToArray(); var wbv = wb.ToArray();
        for (int o = 0; o < 3; o++)
        {
            double alpha = Enumerable.Range(0, 4).Average(i => Math.Abs(wv[o * 4 + i]));
            double dot = Enumerable.Range(0, 4).Sum(i => gv[o * 4 + i] * Math.Sign(wv[o * 4 + i]));
            for (int i = 0; i < 4; i++)
            {
                float v = wv[o * 4 + i];
                Assert.Equal(alpha * Math.Sign(v), wbv[o * 4 + i], 6);
                double expected = (Math.Abs(v) <= 1 ? alpha * gv[o * 4 + i] : 0) + Math.Sign(v) * dot / 4;
                Assert.Equal(expected, gw[o * 4 + i], 5);
            }
        }
    }

    [Fact]
    public void BinarizeWeightHandExample()
    {
        // The catalog's hand example: one filter [0.5, −1.5, 0.25, −0.75], α = 0.75, G = [1, 2, −1, 0.5].
        var w = Tensor.FromArray([0.5f, -1.5f, 0.25f, -0.75f], 1, 4).RequiresGrad_();
        var wb = F.BinarizeWeight(w);
        Assert.Equal([0.75f, -0.75f, 0.75f, -0.75f], wb.ToArray());
        F.Sum(F.Mul(wb, Tensor.FromArray([1f, 2f, -1f, 0.5f], 1, 4))).Backward();
        // Σ G·sign(W) = −2.5, /n = −0.625.
        var expected = new[] { 0.75f - 0.625f, 0.625f, -0.75f - 0.625f, 0.375f + 0.625f };
        var actual = w.Grad!.ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 6);
    }

    [Fact]
    public void SignSteGradientIsTheClippedIdentity()
    {
        var x = Tensor.FromArray([-1.5f, -0.5f, 0.3f, 0.9f, 1.2f]).RequiresGrad_();
        var y = F.SignSte(x);
        Assert.Equal([-1f, -1f, 1f, 1f, 1f], y.ToArray());
        F.Sum(y).Backward();
        Assert.Equal([0f, 1f, 1f, 1f, 0f], x.Grad!.ToArray());
    }
}
