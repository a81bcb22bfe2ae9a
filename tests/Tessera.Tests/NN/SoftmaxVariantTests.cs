using Tessera.NN;
using Tessera.Optim;

namespace Tessera.Tests.NN;

/// <summary>Hierarchical softmax trees, adaptive log-softmax and the word2vec objectives beyond conformance.</summary>
public class SoftmaxVariantTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed));

    [Fact]
    public void HuffmanTreeFollowsTheCatalogsWorkedExample()
    {
        // counts [5, 1, 1, 3, 2, 2]: node0 = (1, 2); node1 = (4, 5); node2 = (node0, 3); node3 = (node1, 0); node4 = (node2, node3).
        var t = ClassTree.Huffman([5, 1, 1, 3, 2, 2]);
        (bool, int) L(int c) => (true, c); (bool, int) N(int k) => (false, k);
        Assert.Equal(new[] { L(1), L(2) }, t[0]);
        Assert.Equal(new[] { L(4), L(5) }, t[1]);
        Assert.Equal(new[] { N(0), L(3) }, t[2]);
        Assert.Equal(new[] { N(1), L(0) }, t[3]);
        Assert.Equal(new[] { N(2), N(3) }, t[4]);
        // Frequent class 0 has a path of 2 nodes, rare class 1 of 4: root 4 −left→ 2 −left→ 0 −left→ leaf 1.
        var paths = ClassTree.Paths(t, 6);
        Assert.Equal(new[] { 4, 3 }, paths.Nodes[0]);
        Assert.Equal(new[] { -1f, -1f }, paths.Signs[0]);
        Assert.Equal(new[] { 4, 2, 0 }, paths.Nodes[1]);
        Assert.Equal(new[] { 1f, 1f, 1f }, paths.Signs[1]);
    }

    [Fact]
    public void CompleteTreePathsAndProbabilitiesSumToOne()
    {
        // C = 5: class 3 is node 7 = left child of 3 = left of 1 = left of 0; class 0 is node 4 = right child of 1.
        var paths = ClassTree.Paths(ClassTree.Complete(5), 5);
        Assert.Equal(new[] { 0, 1, 3 }, paths.Nodes[3]); Assert.Equal(new[] { 1f, 1f, 1f }, paths.Signs[3]);
        Assert.Equal(new[] { 0, 1 }, paths.Nodes[0]); Assert.Equal(new[] { 1f, -1f }, paths.Signs[0]);
        foreach (var (c, tree, counts) in new (int, string, long[]?)[] { (2, "complete", null), (7, "complete", null), (6, "huffman", [9, 1, 4, 4, 2, 7]) })
        {
            var hs = new HierarchicalSoftmax(3, c, tree, counts);
            Init.Normal(hs.Bias);
            var (lpt, lp) = hs.Forward(R(1, 4, 3), Tensor.FromLongs([0, 1, 1, (long)c - 1]));
            for (int n = 0; n < 4; n++) Assert.Equal(1.0, Enumerable.Range(0, c).Sum(k => Math.Exp(lp.Data[n * c + k])), 5);
            Assert.Equal(lp.Data[c - 1 + 3 * c], lpt.Data[3]);
        }
    }

    [Fact]
    public void TargetPathOnlyEqualsTheFullComputationWithTheSameGradients()
    {
        var hs = new HierarchicalSoftmax(4, 9, "huffman", [30, 1, 2, 8, 8, 3, 1, 1, 12]);
        Init.Normal(hs.Bias);
        var h = R(1, 6, 4).RequiresGrad_(); var t = Tensor.FromLongs([0, 8, 6, 3, 3, 1]);
        var full = hs.Forward(h, t).LogpTarget;
        F.Sum(full).Backward();
        var gh = h.Grad!.Clone(); var gw = hs.Weight.Grad!.Clone();
        h.Grad = null; hs.ZeroGrad();
        var fast = hs.TargetLogProb(h, t);
        F.Sum(fast).Backward();
        for (int i = 0; i < 6; i++) Assert.Equal(full.Data[i], fast.Data[i], 5);
        for (int i = 0; i < gh.Numel; i++) Assert.Equal(gh.Data[i], h.Grad!.Data[i], 5);
        for (int i = 0; i < gw.Numel; i++) Assert.Equal(gw.Data[i], hs.Weight.Grad!.Data[i], 5);
    }

    [Fact]
    public void HierarchicalSoftmaxRejectsBadTrees()
    {
        Assert.Contains("needs 4 positive counts", Assert.Throws<ArgumentException>(() => new HierarchicalSoftmax(3, 4, "huffman", [1, 2, 0, 3])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HierarchicalSoftmax(3, 1));
        Assert.Throws<ArgumentException>(() => new HierarchicalSoftmax(3, 4, "balanced"));
    }

    [Fact]
    public void AdaptiveTailSizesUsePythonFloorDivision()
    {
        Assert.Equal(4, AdaptiveLogSoftmaxWithLoss.PyFloorDiv(7, 1.5));
        Assert.Equal(3, AdaptiveLogSoftmaxWithLoss.PyFloorDiv(7, 2.25));
        Assert.Equal(2, AdaptiveLogSoftmaxWithLoss.PyFloorDiv(8, 4));
        var m = new AdaptiveLogSoftmaxWithLoss(7, 15, [3, 6, 10], 1.5f, headBias: true);
        Assert.Equal(new[] { 4, 7 }, m.StateDict()["tail.0.0.weight"].Shape);
        Assert.Equal(new[] { 3, 4 }, m.StateDict()["tail.0.1.weight"].Shape);
        Assert.Equal(new[] { 3, 7 }, m.StateDict()["tail.1.0.weight"].Shape);
        Assert.Equal(new[] { 2, 7 }, m.StateDict()["tail.2.0.weight"].Shape);
        Assert.Equal(new[] { 5, 2 }, m.StateDict()["tail.2.1.weight"].Shape);
        Assert.Equal(new[] { 6, 7 }, m.StateDict()["head.weight"].Shape);
    }

    [Fact]
    public void AdaptiveLogProbIsADistributionConsistentWithForward()
    {
        var m = new AdaptiveLogSoftmaxWithLoss(6, 12, [4, 8], 2f);
        var x = R(1, 5, 6); var t = Tensor.FromLongs([0, 5, 11, 3, 8]);
        var lp = m.LogProb(x);
        for (int n = 0; n < 5; n++) Assert.Equal(1.0, Enumerable.Range(0, 12).Sum(k => Math.Exp(lp.Data[n * 12 + k])), 5);
        var (o, loss) = m.Forward(x, t);
        for (int n = 0; n < 5; n++) Assert.Equal(lp.Data[n * 12 + (int)t.LongData[n]], o.Data[n], 5);
        Assert.Equal(-o.Data.ToArray().Average(), loss.Item(), 5);
        Assert.Equal(F.ArgMax(lp, 1).ToLongArray(), m.Predict(x).ToLongArray());
        Assert.Contains("target values should be in [0, 11]", Assert.Throws<ArgumentException>(() => m.Forward(x, Tensor.FromLongs([0, 1, 12, 2, 3]))).Message);
        Assert.Throws<ArgumentException>(() => new AdaptiveLogSoftmaxWithLoss(6, 12, [4, 4]));
        Assert.Throws<ArgumentException>(() => new AdaptiveLogSoftmaxWithLoss(6, 12, [12]));
    }

    [Fact]
    public void CbowWithOneWordWindowIsSkipGramWithRolesSwapped()
    {
        var sg = new NegativeSamplingLoss(7, 3);
        Init.Normal(sg.OutEmbed.Weight);
        var cbow = new CbowNegativeSamplingLoss(7, 3);
        cbow.LoadStateDict(sg.StateDict());
        var c = Tensor.FromLongs([1, 4]); var ctx = Tensor.FromLongs([2, 2]); var neg = Tensor.FromLongs([0, 5, 6, 6], 2, 2);
        Assert.Equal(sg.Forward(c, ctx, neg).Item(), cbow.Forward(ctx, F.Reshape(c, 2, 1), neg).Item(), 6);
        // Averaging: repeating the whole window changes nothing.
        var win = Tensor.FromLongs([0, 3, 5, 6], 2, 2); var win2 = Tensor.FromLongs([0, 3, 0, 3, 5, 6, 5, 6], 2, 4);
        Assert.Equal(cbow.Forward(ctx, win, neg).Item(), cbow.Forward(ctx, win2, neg).Item(), 6);
    }

    /// <summary>Skip-gram on a corpus of two disjoint "topics": words that share contexts end up with similar input vectors.</summary>
    [Fact]
    public void SkipGramPullsCooccurringWordsTogether()
    {
        Generator.ManualSeed(1);
        var m = new NegativeSamplingLoss(8, 6);
        var opt = new Adam(m.Parameters(), 0.05);
        var g = new Generator(3);
        for (int step = 0; step < 150; step++)
        {
            var center = new long[16]; var context = new long[16]; var neg = new long[16 * 3];
            for (int i = 0; i < 16; i++)
            {
                int topic = g.NextInt(2) * 4;                        // words 0..3 co-occur, as do 4..7
                center[i] = topic + g.NextInt(4); context[i] = topic + g.NextInt(4);
                for (int k = 0; k < 3; k++) neg[i * 3 + k] = g.NextInt(8);
            }
            opt.ZeroGrad();
            m.Forward(Tensor.FromLongs(center), Tensor.FromLongs(context), Tensor.FromLongs(neg, 16, 3)).Backward();
            opt.Step();
        }
        var v = F.Normalize(m.InEmbed.Weight.Detach());
        float Cos(int a, int b) => Enumerable.Range(0, 6).Sum(j => v.Data[a * 6 + j] * v.Data[b * 6 + j]);
        Assert.True(Cos(0, 1) > Cos(0, 5) + 0.5, $"cos(0,1) = {Cos(0, 1)}, cos(0,5) = {Cos(0, 5)}");
        Assert.True(Cos(6, 7) > Cos(2, 7) + 0.5, $"cos(6,7) = {Cos(6, 7)}, cos(2,7) = {Cos(2, 7)}");
    }
}
