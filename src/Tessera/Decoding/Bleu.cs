namespace Tessera.Decoding;

/// <summary>Smoothing of zero n-gram precisions for BLEU (Chen &amp; Cherry 2014; numbered as NLTK's SmoothingFunction).</summary>
public enum BleuSmoothing
{
    /// <summary>No smoothing: any zero precision makes BLEU 0.</summary>
    None,
    /// <summary>Method 1: a zero match count becomes ε (0.1): p_n = ε / total_n.</summary>
    Epsilon,
    /// <summary>Method 2 (Lin &amp; Och 2004): p_n = (m_n + 1) / (total_n + 1) for n ≥ 2; unigrams unchanged.</summary>
    AddOne,
    /// <summary>Method 3 (NIST geometric): the k-th zero precision becomes 1 / (2^k · total_n).</summary>
    Exponential,
}

/// <summary>
/// BLEU (Papineni et al. 2002): the geometric mean of modified n-gram precisions (each hypothesis n-gram counted at most
/// as often as it appears in any one reference) for n = 1..N with uniform weights, times the brevity penalty
/// BP = 1 if c &gt; r else exp(1 − r/c) (c = hypothesis length, r = the closest reference length, the shorter on ties).
/// Corpus BLEU sums counts and lengths over all sentences before dividing (it is not the mean of sentence BLEUs).
/// Scores are in [0, 1]. Tokens are compared by their string form (ToString), so ints, longs and strings all work.
/// </summary>
public static class Bleu
{
    /// <summary>BLEU of one hypothesis against its references.</summary>
    public static double Sentence<T>(IReadOnlyList<T> hypothesis, IReadOnlyList<IReadOnlyList<T>> references, int maxN = 4,
        BleuSmoothing smoothing = BleuSmoothing.None) where T : notnull
        => Corpus([hypothesis], [references], maxN, smoothing);

    /// <summary>Corpus BLEU: hypotheses[i] is scored against references[i] (one or more each).</summary>
    public static double Corpus<T>(IReadOnlyList<IReadOnlyList<T>> hypotheses, IReadOnlyList<IReadOnlyList<IReadOnlyList<T>>> references,
        int maxN = 4, BleuSmoothing smoothing = BleuSmoothing.None) where T : notnull
    {
        if (hypotheses.Count != references.Count)
            throw new ArgumentException($"BLEU: {hypotheses.Count} hypotheses but {references.Count} reference sets");
        if (maxN < 1) throw new ArgumentOutOfRangeException(nameof(maxN), $"BLEU: max n-gram order must be ≥ 1, got {maxN}");
        var matches = new long[maxN + 1]; var totals = new long[maxN + 1];
        long c = 0, r = 0;
        for (int s = 0; s < hypotheses.Count; s++)
        {
            var hyp = hypotheses[s]; var refs = references[s];
            if (refs.Count == 0) throw new ArgumentException($"BLEU: hypothesis {s} has no reference");
            c += hyp.Count;
            r += refs.Select(x => x.Count).OrderBy(len => Math.Abs(len - hyp.Count)).ThenBy(len => len).First();
            for (int n = 1; n <= maxN; n++)
            {
                var counts = NGrams(hyp, n);
                var maxRef = new Dictionary<string, int>();
                foreach (var reference in refs)
                    foreach (var (g, k) in NGrams(reference, n))
                        maxRef[g] = Math.Max(maxRef.GetValueOrDefault(g), k);
                foreach (var (g, k) in counts) matches[n] += Math.Min(k, maxRef.GetValueOrDefault(g));
                totals[n] += Math.Max(0, hyp.Count - n + 1);
            }
        }
        if (matches[1] == 0) return 0;   // no unigram in common: 0 whatever the smoothing (as NLTK)
        var p = Precisions(matches, totals, maxN, smoothing);
        if (p.Skip(1).Any(x => x == 0)) return 0;
        double logMean = p.Skip(1).Sum(Math.Log) / maxN;
        double bp = c > r ? 1 : Math.Exp(1 - (double)r / c);
        return bp * Math.Exp(logMean);
    }

    /// <summary>p[1..N] after smoothing; the denominators are max(1, total_n).</summary>
    private static double[] Precisions(long[] matches, long[] totals, int maxN, BleuSmoothing smoothing)
    {
        var p = new double[maxN + 1];
        int zeros = 0;
        for (int n = 1; n <= maxN; n++)
        {
            double m = matches[n], t = Math.Max(1, totals[n]);
            p[n] = smoothing switch
            {
                BleuSmoothing.Epsilon when m == 0 => 0.1 / t,
                BleuSmoothing.AddOne when n >= 2 => (m + 1) / (t + 1),
                BleuSmoothing.Exponential when m == 0 => 1 / (Math.Pow(2, ++zeros) * t),
                _ => m / t,
            };
        }
        return p;
    }

    /// <summary>n-gram counts, each n-gram keyed by its tokens (length-prefixed, so no separator can collide).</summary>
    private static Dictionary<string, int> NGrams<T>(IReadOnlyList<T> tokens, int n) where T : notnull
    {
        var d = new Dictionary<string, int>();
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            sb.Clear();
            for (int j = i; j < i + n; j++) { var s = tokens[j].ToString() ?? ""; sb.Append(s.Length).Append(':').Append(s); }
            var key = sb.ToString();
            d[key] = d.GetValueOrDefault(key) + 1;
        }
        return d;
    }
}
