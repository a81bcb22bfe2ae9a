using Tessera.Decoding;

namespace Tessera.Tests.Decoding;

/// <summary>
/// Decoders over a fixed Markov chain. Tokens: 0 = start, 1 = end, 2 = a, 3 = b. From start: a 0.6, b 0.4.
/// From a: end 0.4, a 0.3, b 0.3. From b: end 0.9, a 0.05, b 0.05. Greedy takes a then end (P = 0.24); the best
/// sequence is b then end (P = 0.36).
/// </summary>
public class DecodeTests
{
    private static readonly double[][] P =
    [
        [0, 0, 0.6, 0.4],
        [0, 1, 0, 0],
        [0, 0.4, 0.3, 0.3],
        [0, 0.9, 0.05, 0.05],
    ];

    private static float Log(double p) => p == 0 ? -1e9f : (float)Math.Log(p);

    /// <summary>The chain as a step function; its state (one value per hypothesis) is unused and passed through.</summary>
    private static StepFunction<Tensor> Chain() => (tokens, state) =>
    {
        int b = tokens.Dims[0];
        var logits = new float[b * 4];
        for (int i = 0; i < b; i++) for (int v = 0; v < 4; v++) logits[i * 4 + v] = Log(P[tokens.LongData[i]][v]);
        return (Tensor.Wrap(logits, b, 4), state);
    };

    /// <summary>
    /// A model whose next-token distribution depends on the whole history through its state (the number of b's so far):
    /// P(end) = 0.1 + 0.35·min(#b, 2); the rest goes 60/40 to repeating the last token or switching.
    /// </summary>
    private static double[] HistoryProbs(long last, int bs)
    {
        if (last == 0) return [0, 0, 0.5, 0.5];
        double end = 0.1 + 0.35 * Math.Min(bs, 2), rest = 1 - end;
        double a = last == 2 ? 0.6 * rest : 0.4 * rest;
        return [0, end, a, rest - a];
    }

    private static StepFunction<Tensor> History() => (tokens, state) =>
    {
        int b = tokens.Dims[0];
        var logits = new float[b * 4]; var next = new float[b];
        for (int i = 0; i < b; i++)
        {
            next[i] = state.Data[i] + (tokens.LongData[i] == 3 ? 1 : 0);
            var p = HistoryProbs(tokens.LongData[i], (int)next[i]);
            for (int v = 0; v < 4; v++) logits[i * 4 + v] = Log(p[v]);
        }
        return (Tensor.Wrap(logits, b, 4), Tensor.Wrap(next, b));
    };

    private static double TrueLogProb(long[] tokens, bool finished)
    {
        double lp = 0; long last = 0; int bs = 0;
        foreach (var t in finished ? tokens.Append(1L) : tokens)
        {
            if (last == 3) bs++;
            lp += Math.Log(HistoryProbs(last, bs)[t]);
            last = t;
        }
        return lp;
    }

    /// <summary>Beam search must carry each beam's state to its continuations: every returned log-probability equals the
    /// true one of its token sequence (a wrong reordering attaches another beam's history and changes them).</summary>
    [Fact]
    public void BeamSearchReordersStatesWithTheirBeams()
    {
        var hyps = Decode.BeamSearch(History(), Tensor.Zeros(1), 0, 1, 3, 6, (s, rows) => Decode.SelectRows(s, rows));
        Assert.NotEmpty(hyps);
        Assert.Contains(hyps, h => h.Tokens.Count(t => t == 3) >= 1 && h.Tokens.Length >= 2);
        foreach (var h in hyps) Assert.Equal(TrueLogProb(h.Tokens, h.Finished), h.LogProb, 4);
        // The best sequence over all histories up to length 4, by brute force.
        double best = double.NegativeInfinity;
        for (int len = 1; len <= 4; len++)
            for (int code = 0; code < 1 << len; code++)
                best = Math.Max(best, TrueLogProb(Enumerable.Range(0, len).Select(i => (code >> i & 1) == 1 ? 3L : 2L).ToArray(), true));
        Assert.Equal(best, hyps[0].LogProb, 4);
    }

    [Fact]
    public void GreedyTakesTheLocallyBestToken()
    {
        var h = Decode.Greedy(Chain(), Tensor.Zeros(2), [0, 0], 1, 10);
        Assert.Equal(2, h.Length);
        Assert.Equal(new long[] { 2 }, h[0].Tokens);
        Assert.True(h[0].Finished);
        Assert.Equal(Math.Log(0.6 * 0.4), h[0].LogProb, 5);
    }

    [Fact]
    public void BeamSearchFindsTheBetterSequenceAndWidthOneIsGreedy()
    {
        var best = Decode.BeamSearch(Chain(), Tensor.Zeros(1), 0, 1, 2, 10, (s, rows) => Decode.SelectRows(s, rows));
        Assert.Equal(new long[] { 3 }, best[0].Tokens);
        Assert.Equal(Math.Log(0.4 * 0.9), best[0].LogProb, 5);
        Assert.Equal(new long[] { 2 }, best[1].Tokens);
        var one = Decode.BeamSearch(Chain(), Tensor.Zeros(1), 0, 1, 1, 10, (s, rows) => Decode.SelectRows(s, rows));
        var greedy = Decode.Greedy(Chain(), Tensor.Zeros(1), [0], 1, 10)[0];
        Assert.Equal(greedy.Tokens, one[0].Tokens);
        Assert.Equal(greedy.LogProb, one[0].LogProb, 6);
    }

    [Fact]
    public void LengthPenaltyRanksByMeanLogProbability()
    {
        // Three-step sequences a a end (0.6·0.3·0.4 = 0.072) vs b end (0.36): with α = 1 the scores are
        // log(0.36)/2 = −0.51 and log(0.072)/3 = −0.88, so b end still wins; the scores are log P / length.
        var h = Decode.BeamSearch(Chain(), Tensor.Zeros(1), 0, 1, 3, 10, (s, rows) => Decode.SelectRows(s, rows), lengthPenalty: 1);
        Assert.Equal(new long[] { 3 }, h[0].Tokens);
        Assert.Equal(Math.Log(0.36) / 2, h[0].Score, 5);
        Assert.All(h, x => Assert.Equal(x.LogProb / (x.Tokens.Length + 1), x.Score, 6));
    }

    [Fact]
    public void MaxLengthStopsUnfinishedHypotheses()
    {
        var g = Decode.Greedy(Chain(), Tensor.Zeros(1), [0], 99, 3)[0];   // an end token that never comes
        Assert.False(g.Finished);
        Assert.Equal(3, g.Tokens.Length);
        var b = Decode.BeamSearch(Chain(), Tensor.Zeros(1), 0, 99, 2, 3, (s, rows) => Decode.SelectRows(s, rows));
        Assert.All(b, x => { Assert.False(x.Finished); Assert.Equal(3, x.Tokens.Length); });
    }

    [Fact]
    public void SamplingFollowsTheDistributionAndTemperatureAndTopKSharpenIt()
    {
        var gen = new Generator(7);
        var first = Decode.Sample(Chain(), Tensor.Zeros(4000), Enumerable.Repeat(0L, 4000).ToArray(), 1, 1, gen: gen).Select(h => h.Tokens[0]).ToArray();
        double fa = first.Count(t => t == 2) / 4000.0;
        Assert.InRange(fa, 0.6 - 0.03, 0.6 + 0.03);
        Assert.All(first, t => Assert.True(t == 2 || t == 3));
        // Temperature 0.05 makes 0.6 vs 0.4 nearly certain: (0.6/0.4)^20 ≈ 3300 to 1.
        var cold = Decode.Sample(Chain(), Tensor.Zeros(500), Enumerable.Repeat(0L, 500).ToArray(), 1, 1, temperature: 0.05f, gen: gen);
        Assert.True(cold.Count(h => h.Tokens[0] == 2) >= 495);
        // Top-1 sampling is greedy.
        var top1 = Decode.Sample(Chain(), Tensor.Zeros(50), Enumerable.Repeat(0L, 50).ToArray(), 1, 10, topK: 1, gen: gen);
        Assert.All(top1, h => Assert.Equal(new long[] { 2 }, h.Tokens));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decode.Sample(Chain(), Tensor.Zeros(1), [0], 1, 5, temperature: 0));
    }
}
