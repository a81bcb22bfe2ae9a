using Tessera.NN;

namespace Tessera.Tests.NN;

/// <summary>What conformance cannot express for the attention layers: bad input, fully masked rows, special cases that reduce to each other.</summary>
public class AttentionLayerTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed));

    private static void AssertClose(Tensor expected, Tensor actual, double tol = 1e-5)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.Data; var a = actual.Data;
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])), $"index {i}: expected {e[i]}, actual {a[i]}");
    }

    private static void AssertFinite(Tensor t) => Assert.All(t.ToArray(), v => Assert.True(float.IsFinite(v), $"non-finite value {v}"));

    [Fact]
    public void MaskThatDoesNotBroadcastNamesTheOpAndBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(R(1, 2, 4, 3), R(2, 2, 5, 3), R(3, 2, 5, 3), Tensor.FromBools(new bool[12], 3, 4)));
        Assert.Contains("ScaledDotProductAttention: attn_mask of shape [3, 4] does not broadcast to the attention scores' shape [2, 4, 5]", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => F.MaskedSoftmax(R(1, 2, 3), Tensor.FromLongs([1, 0, 1])));
        Assert.Contains("must be bool (true = masked out) or float32", e2.Message);
    }

    [Fact]
    public void MismatchedShapesNameTheLayer()
    {
        var e = Assert.Throws<ArgumentException>(() => new AdditiveAttention(6, 4, 5).Forward(R(1, 2, 1, 6), R(2, 2, 5, 3)));
        Assert.Contains("AdditiveAttention(query_dim=6, key_dim=4, attn_dim=5, bias=True): keys has 3 features, expected key_dim = 4 (shape [2, 5, 3])", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => new DotProductAttention().Forward(R(1, 2, 1, 4), R(2, 3, 5, 4)));
        Assert.Contains("different batch sizes", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new DotProductAttention().Forward(R(1, 2, 1, 4), R(2, 2, 5, 4), null, Tensor.FromBools(new bool[8], 2, 4)));
        Assert.Contains("key_padding_mask must be bool [N, Lk] = [2, 5], got bool [2, 4]", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => new LocationBasedAttention(4, 3).Forward(R(1, 2, 1, 4), R(2, 2, 5, 2)));
        Assert.Contains("values have 5 positions, more than max_length", e4.Message);
    }

    /// <summary>A query whose keys are all masked gets weights 0 and context 0 (PyTorch's math path gives NaN); the other rows are unchanged and gradients stay finite.</summary>
    [Fact]
    public void FullyMaskedRowsGiveZeroWeightsAndContextNotNaN()
    {
        var q = R(1, 2, 3, 4).RequiresGrad_(); var k = R(2, 2, 5, 4).RequiresGrad_(); var v = R(3, 2, 5, 2).RequiresGrad_();
        var mask = new bool[3 * 5];
        for (int j = 0; j < 5; j++) mask[1 * 5 + j] = true;     // query 1 sees nothing
        mask[2 * 5 + 4] = true;
        var (o, w) = F.ScaledDotProductAttention(q, k, v, Tensor.FromBools(mask, 3, 5));
        AssertFinite(o); AssertFinite(w);
        for (int n = 0; n < 2; n++)
        {
            for (int j = 0; j < 5; j++) Assert.Equal(0f, w.Data[(n * 3 + 1) * 5 + j]);
            for (int c = 0; c < 2; c++) Assert.Equal(0f, o.Data[(n * 3 + 1) * 2 + c]);
            float sum = 0; for (int j = 0; j < 5; j++) sum += w.Data[(n * 3 + 0) * 5 + j];
            Assert.Equal(1f, sum, 5);
        }
        F.Sum(F.Mul(o, R(4, 2, 3, 2))).Backward();
        AssertFinite(q.Grad!); AssertFinite(k.Grad!); AssertFinite(v.Grad!);
        for (int c = 0; c < 4; c++) Assert.Equal(0f, q.Grad!.Data[1 * 4 + c]);   // the masked query gets no gradient

        // The same through the Luong layers' padding mask and through multi-head attention.
        var kpm = Tensor.FromBools([true, true, true, false, false, false], 2, 3);
        var (ctx, wl) = new DotProductAttention().Forward(R(5, 2, 2, 4), R(6, 2, 3, 4), null, kpm);
        AssertFinite(ctx);
        Assert.All(wl.Data[..6].ToArray(), x => Assert.Equal(0f, x));
        var mha = new MultiheadAttention(4, 2, batchFirst: true);
        Init.Normal(mha.OutProj.Bias!);
        var (mo, mw) = mha.Forward(R(7, 2, 2, 4), R(8, 2, 3, 4), R(9, 2, 3, 4), kpm);
        AssertFinite(mo); AssertFinite(mw!);
        for (int i = 0; i < 2; i++) for (int c = 0; c < 4; c++) Assert.Equal(mha.OutProj.Bias!.Data[c], mo.Data[i * 4 + c], 6);   // context 0 → out_proj bias
    }

    [Fact]
    public void CausalFlagEqualsExplicitMasks()
    {
        var q = R(1, 2, 4, 3); var k = R(2, 2, 4, 3); var v = R(3, 2, 4, 5);
        var a = F.ScaledDotProductAttention(q, k, v, isCausal: true);
        var b = F.ScaledDotProductAttention(q, k, v, AttentionMasks.Causal(4));
        var c = F.ScaledDotProductAttention(q, k, v, AttentionMasks.SquareSubsequent(4));
        AssertClose(a.Output, b.Output); AssertClose(a.Output, c.Output); AssertClose(a.Weights, c.Weights);
        Assert.Equal(1f, a.Weights.Data[0], 6);   // query 0 sees only key 0
        // More queries than keys: top-left aligned, query i ≥ Lk sees every key.
        var w = F.ScaledDotProductAttention(R(4, 1, 5, 3), R(5, 1, 2, 3), R(6, 1, 2, 3), isCausal: true).Weights;
        Assert.Equal(0f, w.Data[1]);
        Assert.True(w.Data[4 * 2 + 1] > 0);
    }

    [Fact]
    public void DotAndGeneralAndSelfAttentionReduceToEachOther()
    {
        var q = R(1, 2, 3, 4); var k = R(2, 2, 5, 4); var v = R(3, 2, 5, 3);
        var kpm = AttentionMasks.Padding([5, 2], 5);
        var dot = new DotProductAttention().Forward(q, k, v, kpm);
        var sdpa = F.ScaledDotProductAttention(q, k, v, F.Reshape(kpm, 2, 1, 5), scale: 1f);
        AssertClose(sdpa.Output, dot.Context); AssertClose(sdpa.Weights, dot.Weights);
        var general = new GeneralAttention(4, 4);
        general.Weight.CopyFrom(Tensor.FromArray(Enumerable.Range(0, 16).Select(i => i % 5 == 0 ? 1f : 0f).ToArray(), 4, 4));
        AssertClose(dot.Context, general.Forward(q, k, v, kpm).Context);
        var x = R(4, 2, 4, 3);
        var self = new SelfAttention().WithWeights(x);
        var viaDot = new DotProductAttention().Forward(x, x, x);
        AssertClose(viaDot.Context, self.Output); AssertClose(viaDot.Weights, self.Weights);
    }

    [Fact]
    public void ConcatEqualsAdditiveWithSplitWeightAndNoBias()
    {
        var concat = new ConcatAttention(3, 5, 4);
        var additive = new AdditiveAttention(3, 5, 4, bias: false);
        additive.QueryProj.Weight.CopyFrom(F.Narrow(concat.W.Weight, 1, 0, 3));
        additive.KeyProj.Weight.CopyFrom(F.Narrow(concat.W.Weight, 1, 3, 5));
        additive.V.Weight.CopyFrom(concat.V.Weight);
        var q = R(1, 2, 2, 3); var k = R(2, 2, 4, 5);
        AssertClose(additive.Forward(q, k).Weights, concat.Forward(q, k).Weights);
    }

    [Fact]
    public void AdditiveScoresMatchTheLoopOfTheFormula()
    {
        var m = new AdditiveAttention(3, 2, 4);
        Init.Normal(m.KeyProj.Bias!);
        var q = R(1, 1, 2, 3); var k = R(2, 1, 3, 2);
        var scores = m.Score(q, k);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int a = 0; a < 4; a++)
                {
                    double pre = m.KeyProj.Bias!.Data[a];
                    for (int c = 0; c < 3; c++) pre += m.QueryProj.Weight.Data[a * 3 + c] * q.Data[i * 3 + c];
                    for (int c = 0; c < 2; c++) pre += m.KeyProj.Weight.Data[a * 2 + c] * k.Data[j * 2 + c];
                    s += m.V.Weight.Data[a] * Math.Tanh(pre);
                }
                Assert.Equal(s, scores.Data[i * 3 + j], 5);
            }
    }

    [Fact]
    public void ContentBasedWeightsIgnoreScaleAndSharpenWithBeta()
    {
        var q = R(1, 2, 3, 4); var k = R(2, 2, 5, 4);
        var w = new ContentBasedAttention(3f).Forward(q, k).Weights;
        AssertClose(w, new ContentBasedAttention(3f).Forward(F.Mul(q, 2.5f), F.Mul(k, 0.3f)).Weights, 1e-4);
        var sharp = new ContentBasedAttention(1e4f).Forward(q, k).Weights;
        var cos = F.BatchedMatmul(F.Normalize(q), F.Normalize(k), false, true);
        Assert.Equal(F.ArgMax(cos, -1).ToLongArray(), F.ArgMax(sharp, -1).ToLongArray());
    }

    [Fact]
    public void LocalMonotonicWithAWideWindowIsGlobalAndAnEmptyWindowGivesZeros()
    {
        var local = new LocalAttention("monotonic", 5, "dot", 4, 4);
        var q = R(1, 2, 4, 4); var k = R(2, 2, 5, 4); var v = R(3, 2, 5, 3);
        var (c1, w1) = local.Forward(q, k, v);
        var (c2, w2) = new DotProductAttention().Forward(q, k, v);
        AssertClose(c2, c1); AssertClose(w2, w1);
        // D = 1: row i attends exactly to {i−1, i, i+1} ∩ [0, Lk); query 6 with Lk = 3 has an empty window.
        var w = new LocalAttention("monotonic", 1, "dot", 4, 4).Forward(R(4, 1, 7, 4), R(5, 1, 3, 4)).Weights;
        AssertFinite(w);
        bool[] expect = [true, true, false, true, true, true, false, true, true, false, false, true, false, false, false, false, false, false, false, false, false];
        for (int i = 0; i < 21; i++) Assert.Equal(expect[i], w.Data[i] > 0);
    }

    [Fact]
    public void LocalPredictiveWeightsAreTheWindowSoftmaxTimesAGaussian()
    {
        var m = new LocalAttention("predictive", 2, "dot", 3, 3, 4);
        var q = R(1, 1, 1, 3); var k = R(2, 1, 6, 3);
        var w = m.Forward(q, k).Weights.Data.ToArray();
        var z = F.Linear(F.Tanh(F.Linear(q, m.PredictW!.Weight)), m.PredictV!.Weight).Item();
        double p = 6 / (1 + Math.Exp(-z)), c = Math.Floor(p + 0.5);
        var window = Enumerable.Range(0, 6).Where(s => Math.Abs(s - c) <= 2).ToArray();
        var scores = window.Select(s => Enumerable.Range(0, 3).Sum(j => (double)q.Data[j] * k.Data[s * 3 + j])).ToArray();
        double max = scores.Max(), sum = scores.Sum(x => Math.Exp(x - max));
        for (int s = 0; s < 6; s++)
        {
            int at = Array.IndexOf(window, s);
            double expect = at < 0 ? 0 : Math.Exp(scores[at] - max) / sum * Math.Exp(-(s - p) * (s - p) / (2 * 1.0 * 1.0));
            Assert.Equal(expect, w[s], 5);
        }
    }

    [Fact]
    public void HardAttentionPicksTheArgmaxKeysValue()
    {
        var q = R(1, 2, 3, 4); var k = R(2, 2, 5, 4); var v = R(3, 2, 5, 2);
        var (ctx, idx) = new HardAttention().Forward(q, k, v);
        var expect = F.ArgMax(new DotProductAttention().Forward(q, k).Weights, -1);
        Assert.Equal(expect.ToLongArray(), idx.ToLongArray());
        for (int r = 0; r < 6; r++)
            for (int c = 0; c < 2; c++) Assert.Equal(v.Data[((r / 3) * 5 + (int)idx.LongData[r]) * 2 + c], ctx.Data[r * 2 + c]);
    }
}
