using Tessera.NN;

namespace Tessera.Tests.Functional;

/// <summary>Finite-difference gradient checks with random cotangents for the attention family's functional ops.</summary>
public class AttentionGradCheckTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed));
    private static Tensor Small(int seed, params int[] shape) => F.Mul(R(seed, shape), 0.5f).Detach();

    [Fact]
    public void SdpaWithBroadcastFloatMask()
        => GradCheck.Check(xs => F.ScaledDotProductAttention(xs[0], xs[1], xs[2], xs[3]).Output,
            [R(1, 2, 3, 4), R(2, 2, 5, 4), R(3, 2, 5, 3), R(4, 3, 5)]);

    [Fact]
    public void SdpaWeightsCausalWithScaleAndColumnMask()
        => GradCheck.Check(xs => F.ScaledDotProductAttention(xs[0], xs[1], xs[2], xs[3], scale: 0.7f, isCausal: true).Weights,
            [R(1, 2, 2, 4, 3), R(2, 2, 2, 4, 3), R(3, 2, 2, 4, 2), R(4, 2, 1, 1, 4)]);

    [Fact]
    public void SdpaSelfAttentionSharesOneTensor()
        => GradCheck.Check(xs => F.ScaledDotProductAttention(xs[0], xs[0], xs[0]).Output, [R(1, 2, 5, 3)]);

    [Fact]
    public void MaskedSoftmaxScaledWithBoolAndFloatMasks()
    {
        var keep = Tensor.FromBools([false, true, false, false, false, false, true, false], 2, 1, 4);
        GradCheck.Check(xs => F.MaskedSoftmax(F.MaskedSoftmax(xs[0], keep, scale: 1.3f), xs[1], isCausal: true), [R(1, 2, 3, 4), R(2, 3, 4)]);
    }

    public static TheoryData<bool, bool, string> MhaLayouts() => new()
    {
        { false, true, "self" }, { true, true, "self" }, { false, true, "kv" }, { true, false, "cross" }, { false, false, "unbatched" },
    };

    /// <summary>
    /// Multi-head attention through the strided head views: packed self-attention (q, k, v the same tensor, one in-projection
    /// GEMM and gradients summed in one buffer), shared key/value, separate inputs, unbatched; float mask and padding.
    /// </summary>
    [Theory]
    [MemberData(nameof(MhaLayouts))]
    public void MultiHeadAttentionAllProjectionPaths(bool batchFirst, bool withBias, string inputs)
    {
        int e = 6, h = 2, n = 2, l = 3, s = inputs is "self" ? 3 : 4;
        bool unbatched = inputs == "unbatched";
        int[] Shape(int len) => unbatched ? [len, e] : batchFirst ? [n, len, e] : [len, n, e];
        var kpm = unbatched ? null : Tensor.FromBools(Enumerable.Range(0, n * s).Select(i => i == n * s - 1).ToArray(), n, s);
        Tensor Run(Tensor[] xs)
        {
            var w = new MultiHeadWeights(xs[3], withBias ? xs[4] : null, null, null, null, xs[5], withBias ? xs[6] : null);
            var (q, k, v) = inputs switch
            {
                "self" => (xs[0], xs[0], xs[0]),
                "kv" => (xs[0], xs[1], xs[1]),
                _ => (xs[0], xs[1], xs[2]),
            };
            var (o, wts) = F.MultiHeadAttention(q, k, v, h, w, kpm, xs[7], batchFirst: batchFirst, averageAttnWeights: false);
            return F.Add(F.Sum(o), F.Mul(F.Sum(F.Mul(wts!, xs[8])), 1f));
        }
        GradCheck.Check(Run, [R(1, Shape(l)), R(2, Shape(s)), R(3, Shape(s)), Small(4, 3 * e, e), Small(5, 3 * e), Small(6, e, e), Small(7, e),
                              R(8, l, s), R(9, unbatched ? [h, l, s] : [n, h, l, s])]);
    }

    [Fact]
    public void MultiHeadAttentionSeparateProjectionsWithBiasKvAndZeroAttn()
    {
        int e = 4, h = 2;
        Tensor Run(Tensor[] xs)
        {
            var w = new MultiHeadWeights(null, xs[3], xs[4], xs[5], xs[6], xs[7], null, xs[8], xs[9]);
            return F.MultiHeadAttention(xs[0], xs[1], xs[2], h, w, null, null, needWeights: false, batchFirst: true, addZeroAttn: true).Output;
        }
        GradCheck.Check(Run, [R(1, 2, 3, e), R(2, 2, 5, 3), R(3, 2, 5, 5), Small(4, 3 * e), Small(5, e, e), Small(6, e, 3), Small(7, e, 5),
                              Small(8, e, e), R(9, 1, 1, e), R(10, 1, 1, e)]);
    }

    [Fact]
    public void AdditiveScores() => GradCheck.Check(xs => F.AdditiveScores(xs[0], xs[1], xs[2]), [R(1, 2, 3, 4), R(2, 2, 5, 4), R(3, 1, 4)]);

    [Fact]
    public void AttendWithPadding()
    {
        var kpm = Tensor.FromBools([false, false, true, false, false, false], 2, 3);
        GradCheck.Check(xs => F.Mul(F.Attend(xs[0], xs[1], kpm).Context, 1f), [R(1, 2, 4, 3), R(2, 2, 3, 2)]);
    }

    [Fact]
    public void NormalizeAboveAndBelowEps()
    {
        // Rows of norm ≈ 2.4 use their norm; rows scaled to 0.3 fall below eps = 1 and use the constant.
        var x = R(1, 4, 3);
        var d = x.Data;
        for (int r = 0; r < 4; r++)
        {
            float norm = MathF.Sqrt(d[3 * r] * d[3 * r] + d[3 * r + 1] * d[3 * r + 1] + d[3 * r + 2] * d[3 * r + 2]);
            float target = r % 2 == 0 ? 2.4f : 0.3f;
            for (int j = 0; j < 3; j++) d[3 * r + j] *= target / norm;
        }
        GradCheck.Check(xs => F.Normalize(xs[0], 1f), [x], eps: 1e-3);
    }

    [Fact]
    public void HardAttentionGivesValuesTheGatherGradientAndQueryKeysZeros()
    {
        var q = R(1, 2, 4, 3); var k = R(2, 2, 3, 3); var v = R(3, 2, 3, 2);
        GradCheck.Check(xs => F.HardAttention(xs[0], xs[1], xs[2]).Context, [q, k, v], eps: 1e-3);
        Assert.All(q.Grad!.ToArray(), g => Assert.Equal(0f, g));
        Assert.All(k.Grad!.ToArray(), g => Assert.Equal(0f, g));
        // Keys as values receive only the gather gradient.
        GradCheck.Check(xs => F.HardAttention(xs[0], xs[1]).Context, [R(4, 1, 3, 2), R(5, 1, 4, 2)], eps: 1e-3);
    }

    [Fact]
    public void TreeLogProbsOnAHuffmanTree()
    {
        var paths = ClassTree.Paths(ClassTree.Huffman([5, 1, 1, 3, 2, 2]), 6);
        GradCheck.Check(xs => F.TreeLogProbs(xs[0], paths), [R(1, 3, 5)]);
    }

    [Fact]
    public void TreeTargetLogProbOnACompleteTree()
    {
        var paths = ClassTree.Paths(ClassTree.Complete(7), 7);
        var target = Tensor.FromLongs([0, 6, 3, 3]);
        GradCheck.Check(xs => F.TreeTargetLogProb(xs[0], xs[1], xs[2], target, paths), [R(1, 4, 3), R(2, 6, 3), R(3, 6)]);
    }

    [Fact]
    public void LayerNormAffineOverTwoDims()
        => GradCheck.Check(xs => F.LayerNorm(xs[0], [3, 4], xs[1], xs[2], 1e-5), [R(1, 2, 3, 4), R(2, 3, 4), R(3, 3, 4)]);

    [Fact]
    public void LayerNormWithoutAffine() => GradCheck.Check(xs => F.LayerNorm(xs[0], [5]), [R(1, 3, 2, 5)]);

    [Fact]
    public void LogSigmoid() => GradCheck.Check(xs => F.LogSigmoid(F.Mul(xs[0], 4f)), [R(1, 3, 5)]);
}
