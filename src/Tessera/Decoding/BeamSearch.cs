namespace Tessera.Decoding;

public static partial class Decode
{
    /// <summary>
    /// Beam search for one sequence: keeps the <paramref name="beamWidth"/> partial hypotheses with the highest total
    /// log-probability; a hypothesis that emits <paramref name="endToken"/> is set aside as finished. Finished hypotheses are
    /// ranked by log P / length^α (α = <paramref name="lengthPenalty"/>, length = generated tokens with the end token; α = 0
    /// ranks by log P, which favours short outputs; α = 1 by the mean per-token log-probability). The search stops when
    /// <paramref name="beamWidth"/> hypotheses have finished, when (α = 0) no live beam can still beat the best finished one,
    /// or after <paramref name="maxLength"/> steps (live beams are then returned unfinished). The step function sees the
    /// live beams as its batch; <paramref name="reorder"/>(state, rows) must return the state of the given beams (rows of
    /// the previous batch, possibly repeated), e.g. with <see cref="SelectRows"/>. Returns up to beamWidth hypotheses, best first.
    /// </summary>
    public static Hypothesis[] BeamSearch<TState>(StepFunction<TState> step, TState state, long startToken, long endToken, int beamWidth,
        int maxLength, Func<TState, int[], TState> reorder, double lengthPenalty = 0)
    {
        if (beamWidth < 1) throw new ArgumentOutOfRangeException(nameof(beamWidth), $"Decode.BeamSearch: beam width must be ≥ 1, got {beamWidth}");
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), $"Decode.BeamSearch: max_length must be ≥ 1, got {maxLength}");
        using var _ = GradMode.NoGrad();
        double Score(double logp, int length) => lengthPenalty == 0 ? logp : logp / Math.Pow(length, lengthPenalty);
        var beams = new List<(long[] Tokens, double LogP)> { ([], 0) };
        var finished = new List<Hypothesis>();
        for (int t = 0; t < maxLength; t++)
        {
            var last = beams.Select(bm => bm.Tokens.Length == 0 ? startToken : bm.Tokens[^1]).ToArray();
            var (logits, next) = step(Tensor.FromLongs(last), state);
            var lp = LogProbs(logits, beams.Count, "BeamSearch");
            int v = lp.Length / beams.Count;
            // Candidates by total log-probability; 2k of them always leave k that do not end here.
            var candidates = new List<(int Beam, int Token, double LogP)>();
            for (int b = 0; b < beams.Count; b++)
                for (int j = 0; j < v; j++) candidates.Add((b, j, beams[b].LogP + lp[b * v + j]));
            var kept = new List<(long[] Tokens, double LogP)>(); var rows = new List<int>();
            int rank = 0;
            foreach (var (b, tok, logp) in candidates.OrderByDescending(c => c.LogP).Take(2 * beamWidth))
            {
                if (tok == endToken)
                {
                    // Only an end among the k best candidates finishes a hypothesis (as fairseq); later ones are dropped.
                    if (rank++ < beamWidth) finished.Add(new Hypothesis(beams[b].Tokens, true, logp, Score(logp, t + 1)));
                    continue;
                }
                rank++;
                if (kept.Count == beamWidth) continue;
                kept.Add(([.. beams[b].Tokens, tok], logp));
                rows.Add(b);
            }
            if (kept.Count == 0) break;
            beams = kept;
            state = reorder(next, rows.ToArray());
            if (finished.Count >= beamWidth) break;
            if (lengthPenalty == 0 && finished.Count > 0 && finished.Max(h => h.Score) >= beams.Max(bm => bm.LogP)) break;
            if (t == maxLength - 1)
                finished.AddRange(beams.Select(bm => new Hypothesis(bm.Tokens, false, bm.LogP, Score(bm.LogP, bm.Tokens.Length))));
        }
        return finished.OrderByDescending(h => h.Score).Take(beamWidth).ToArray();
    }
}
