namespace Tessera.Decoding;

/// <summary>Decoding strategies over a <see cref="StepFunction{TState}"/>: greedy, beam search and sampling. All run without gradients.</summary>
public static partial class Decode
{
    /// <summary>
    /// Greedy decoding of a batch: every step takes the most likely token of each sequence, until it emits
    /// <paramref name="endToken"/> or <paramref name="maxLength"/> tokens were generated. <paramref name="state"/> holds the B
    /// initial states; B is the batch size of <paramref name="startTokens"/>.
    /// </summary>
    public static Hypothesis[] Greedy<TState>(StepFunction<TState> step, TState state, long[] startTokens, long endToken, int maxLength)
        => Run(step, state, startTokens, endToken, maxLength, "Greedy", lp => ArgMax(lp));

    /// <summary>
    /// Ancestral sampling with temperature T (scores divided by T before the softmax; T &lt; 1 sharpens, T &gt; 1 flattens) and
    /// top-k truncation (only the k most likely tokens can be drawn; 0 = all).
    /// </summary>
    public static Hypothesis[] Sample<TState>(StepFunction<TState> step, TState state, long[] startTokens, long endToken, int maxLength,
        float temperature = 1f, int topK = 0, Generator? gen = null)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), $"Decode.Sample: temperature must be positive, got {temperature}");
        if (topK < 0) throw new ArgumentOutOfRangeException(nameof(topK), $"Decode.Sample: top_k must be ≥ 0, got {topK}");
        gen ??= Generator.Default;
        return Run(step, state, startTokens, endToken, maxLength, "Sample", lp => Draw(lp, temperature, topK, gen));
    }

    private static Hypothesis[] Run<TState>(StepFunction<TState> step, TState state, long[] startTokens, long endToken, int maxLength,
        string name, Func<float[], int> choose)
    {
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), $"Decode.{name}: max_length must be ≥ 1, got {maxLength}");
        using var _ = GradMode.NoGrad();
        int b = startTokens.Length;
        var tokens = new List<long>[b]; var logp = new double[b]; var done = new bool[b];
        for (int i = 0; i < b; i++) tokens[i] = [];
        var last = (long[])startTokens.Clone();
        for (int t = 0; t < maxLength && done.Any(d => !d); t++)
        {
            var (logits, next) = step(Tensor.FromLongs(last), state);
            state = next;
            var lp = LogProbs(logits, b, name);
            int v = lp.Length / b;
            for (int i = 0; i < b; i++)
            {
                if (done[i]) { last[i] = endToken; continue; }
                var row = lp.AsSpan(i * v, v).ToArray();
                int tok = choose(row);
                logp[i] += row[tok];
                last[i] = tok;
                if (tok == endToken) done[i] = true; else tokens[i].Add(tok);
            }
        }
        return Enumerable.Range(0, b).Select(i => new Hypothesis(tokens[i].ToArray(), done[i], logp[i], logp[i])).ToArray();
    }

    /// <summary>log-softmax of the step's scores, checked to be [B, V].</summary>
    private static float[] LogProbs(Tensor logits, int b, string name)
    {
        if (logits.Rank != 2 || logits.Dims[0] != b)
            throw new ArgumentException($"Decode.{name}: the step function must return scores [B, V] with B = {b}, got {ShapeUtil.Format(logits.Dims)}");
        var lp = F.LogSoftmax(logits, 1).Data.ToArray();
        foreach (var x in lp) if (float.IsNaN(x)) throw new ArgumentException($"Decode.{name}: the step function returned NaN scores");
        return lp;
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
        return best;
    }

    private static int Draw(float[] logp, float temperature, int topK, Generator gen)
    {
        int v = logp.Length;
        var order = Enumerable.Range(0, v).OrderByDescending(j => logp[j]).Take(topK > 0 ? Math.Min(topK, v) : v).ToArray();
        double max = logp[order[0]] / temperature;
        var w = order.Select(j => Math.Exp(logp[j] / temperature - max)).ToArray();
        double u = gen.NextDouble() * w.Sum(), acc = 0;
        for (int i = 0; i < order.Length; i++) { acc += w[i]; if (u < acc) return order[i]; }
        return order[^1];
    }

    /// <summary>Rows <paramref name="rows"/> of <paramref name="t"/> along <paramref name="dim"/>: the usual way to reorder a batched state after a beam step.</summary>
    public static Tensor SelectRows(Tensor t, int[] rows, int dim = 0) => F.IndexSelect(t, dim, Tensor.FromLongs(rows.Select(r => (long)r).ToArray()));
}
