using Tessera.NN;

namespace Tessera.Tests.NN;

/// <summary>Multi-head attention, Transformer layers and stacks, positional encodings, LayerNorm: paths and configurations beyond conformance.</summary>
public class TransformerTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed));

    private static void AssertClose(Tensor expected, Tensor actual, double tol = 1e-5)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.Data; var a = actual.Data;
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])), $"index {i}: expected {e[i]}, actual {a[i]}");
    }

    [Fact]
    public void EmbedDimNotDivisibleByHeadsIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiheadAttention(10, 3));
        Assert.Contains("MultiheadAttention(embed_dim=10, num_heads=3): embed_dim must be divisible by num_heads", e.Message);
        Assert.Throws<ArgumentException>(() => new TransformerEncoderLayer(10, 4));
    }

    [Fact]
    public void WrongMaskShapesAreRejected()
    {
        var m = new MultiheadAttention(4, 2);
        var x = R(1, 3, 2, 4);
        var e = Assert.Throws<ArgumentException>(() => m.Forward(x, x, x, attnMask: Tensor.Zeros(3, 4)));
        Assert.Contains("attn_mask must be [L, S] = [3, 3] or [N·num_heads, L, S] = [4, 3, 3], got [3, 4]", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => m.Forward(x, x, x, Tensor.FromBools(new bool[3], 3)));
        Assert.Contains("key_padding_mask must be [N, S] = [2, 3], got [3]", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => m.Forward(R(2, 3, 2, 5), x, x));
        Assert.Contains("query has 5 features", e3.Message);
    }

    /// <summary>The packed path (q, k, v one tensor: one in-projection GEMM) and the shared key/value path equal the separate one, forward and backward.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PackedAndSharedProjectionsEqualSeparateOnes(bool batchFirst)
    {
        Generator.ManualSeed(4);
        var m = new MultiheadAttention(6, 3, batchFirst: batchFirst);
        Init.Normal(m.InProjBias!, 0, 0.3);
        var x = R(1, batchFirst ? [2, 4, 6] : [4, 2, 6]).RequiresGrad_();
        var kpm = AttentionMasks.Padding([4, 2], 4);
        var (o1, w1) = m.Forward(x, x, x, kpm, averageAttnWeights: false);
        F.Sum(F.Mul(o1, R(9, o1.Shape))).Backward();
        var g1 = x.Grad!.Clone(); var gw1 = m.InProjWeight!.Grad!.Clone();
        m.ZeroGrad();
        var (q, k, v) = (x.Detach().Clone().RequiresGrad_(), x.Detach().Clone().RequiresGrad_(), x.Detach().Clone().RequiresGrad_());
        var (o2, w2) = m.Forward(q, k, v, kpm, averageAttnWeights: false);
        F.Sum(F.Mul(o2, R(9, o2.Shape))).Backward();
        AssertClose(o2, o1); AssertClose(w2!, w1!);
        AssertClose(F.Add(F.Add(q.Grad!, k.Grad!), v.Grad!), g1, 1e-4);
        AssertClose(m.InProjWeight!.Grad!, gw1, 1e-4);

        m.ZeroGrad();
        var mem = R(3, batchFirst ? [2, 5, 6] : [5, 2, 6]);
        var (o3, _) = m.Forward(R(4, batchFirst ? [2, 1, 6] : [1, 2, 6]), mem, mem);
        var (o4, _) = m.Forward(R(4, batchFirst ? [2, 1, 6] : [1, 2, 6]), mem, mem.Clone());
        AssertClose(o4, o3);
    }

    [Fact]
    public void WeightsAreTheMeanOverHeadsAndNeedWeightsFalseSkipsThem()
    {
        var m = new MultiheadAttention(8, 4, batchFirst: true);
        var x = R(1, 2, 3, 8);
        var (_, perHead) = m.Forward(x, x, x, averageAttnWeights: false);
        var (_, avg) = m.Forward(x, x, x);
        Assert.Equal(new[] { 2, 4, 3, 3 }, perHead!.Shape);
        AssertClose(F.Mean(perHead, 1), avg!);
        Assert.Null(m.Forward(x, x, x, needWeights: false).Weights);
        // Unbatched: [L, E] in, [L, E] out, weights [L, S].
        var (o, w) = m.Forward(R(2, 3, 8), R(3, 5, 8), R(4, 5, 8));
        Assert.Equal(new[] { 3, 8 }, o.Shape); Assert.Equal(new[] { 3, 5 }, w!.Shape);
    }

    [Fact]
    public void DropoutOnWeightsOnlyInTraining()
    {
        var m = new MultiheadAttention(4, 2, dropout: 0.5f, batchFirst: true);
        var x = R(1, 2, 6, 4);
        m.Eval();
        var (o1, _) = m.Forward(x, x, x);
        var (o2, _) = m.Forward(x, x, x);
        AssertClose(o1, o2);
        m.Train();
        var (_, w) = m.Forward(x, x, x, averageAttnWeights: false);
        Assert.Contains(0f, w!.ToArray());
    }

    [Fact]
    public void StateDictNamesArePyTorchs()
    {
        var names = new TransformerEncoderLayer(8, 2, 16).StateDict().Keys.ToArray();
        Assert.Equal(new[]
        {
            "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
        }, names);
        var sep = new MultiheadAttention(6, 2, bias: false, addBiasKv: true, kdim: 5, vdim: 3).StateDict().Keys.ToArray();
        Assert.Equal(new[] { "q_proj_weight", "k_proj_weight", "v_proj_weight", "bias_k", "bias_v", "out_proj.weight" }, sep);
        var stack = new TransformerEncoder(() => new TransformerEncoderLayer(4, 2, 8), 2, new LayerNorm(4)).StateDict().Keys;
        Assert.Contains("layers.1.self_attn.in_proj_weight", stack);
        Assert.Contains("norm.bias", stack);
    }

    [Fact]
    public void StacksApplyTheirLayersInOrderThenTheNorm()
    {
        Generator.ManualSeed(2);
        var enc = new TransformerEncoder(() => new TransformerEncoderLayer(4, 2, 8, dropout: 0f, normFirst: true), 2, new LayerNorm(4));
        var src = R(1, 5, 2, 4); var mask = AttentionMasks.Causal(5);
        var expect = src;
        foreach (var l in enc.Layers) expect = ((TransformerEncoderLayer)l).Forward(expect, mask);
        AssertClose(enc.Norm!.Forward(expect), enc.Forward(src, mask));

        var dec = new TransformerDecoder(() => new TransformerDecoderLayer(4, 1, 8, dropout: 0f, activation: "gelu", batchFirst: true), 3);
        var tgt = R(2, 2, 3, 4); var mem = R(3, 2, 5, 4); var tmask = AttentionMasks.SquareSubsequent(3);
        var y = tgt;
        foreach (var l in dec.Layers) y = ((TransformerDecoderLayer)l).Forward(y, mem, tmask);
        AssertClose(y, dec.Forward(tgt, mem, tmask));
    }

    [Fact]
    public void PostNormEncoderLayerMatchesItsFormula()
    {
        var layer = new TransformerEncoderLayer(6, 2, 10, dropout: 0f, batchFirst: true);
        var x = R(1, 2, 3, 6);
        var sa = layer.SelfAttn.Forward(x, x, x, needWeights: false).Output;
        var h = layer.Norm1.Forward(F.Add(x, sa));
        var ff = layer.Linear2.Forward(F.Relu(layer.Linear1.Forward(h)));
        AssertClose(layer.Norm2.Forward(F.Add(h, ff)), layer.Forward(x));
    }

    [Fact]
    public void SinusoidalTableHasTheClosedFormAndLengthsAreChecked()
    {
        var pe = SinusoidalPositionalEncoding.Table(4, 5);
        Assert.Equal(new[] { 0f, 1f, 0f, 1f, 0f }, pe.Data[..5].ToArray());
        Assert.Equal(Math.Sin(1), pe.Data[5], 6);
        Assert.Equal(Math.Cos(1 / Math.Pow(10000, 2.0 / 5)), pe.Data[5 + 3], 6);
        Assert.Equal(Math.Sin(3 / Math.Pow(10000, 4.0 / 5)), pe.Data[3 * 5 + 4], 6);   // odd d ends with a sine
        var enc = new SinusoidalPositionalEncoding(5, 4);
        var x = R(1, 2, 3, 5);
        AssertClose(F.Add(x, F.Narrow(pe, 0, 0, 3)), enc.Forward(x));
        Assert.Contains("sequence length 5 exceeds max_len", Assert.Throws<ArgumentException>(() => enc.Forward(R(2, 5, 5))).Message);
        Assert.Throws<ArgumentException>(() => new LearnedPositionalEmbedding(5, 4).Forward(R(2, 3, 4)));
    }

    [Fact]
    public void LayerNormNormalisesTheTrailingDims()
    {
        var ln = new LayerNorm([2, 3], eps: 1e-5);
        Init.Normal(ln.Weight!); Init.Normal(ln.Bias!);
        var x = R(1, 4, 2, 3);
        var y = ln.Forward(x);
        for (int r = 0; r < 4; r++)
        {
            var row = x.Data.Slice(r * 6, 6).ToArray();
            double mean = row.Average(), var = row.Sum(v => (v - mean) * (v - mean)) / 6;
            for (int j = 0; j < 6; j++)
                Assert.Equal((row[j] - mean) / Math.Sqrt(var + 1e-5) * ln.Weight!.Data[j] + ln.Bias!.Data[j], y.Data[r * 6 + j], 5);
        }
        Assert.Empty(new LayerNorm(3, elementwiseAffine: false).Parameters());
        Assert.Contains("does not end with the normalized shape", Assert.Throws<ArgumentException>(() => ln.Forward(R(2, 4, 3))).Message);
    }
}
