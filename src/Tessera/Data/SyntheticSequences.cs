namespace Tessera.Data;

/// <summary>Synthetic sequence tasks for recurrent and attention models, generated from a seed (no download).</summary>
public static class SyntheticSequences
{
    /// <summary>
    /// The adding problem (Hochreiter &amp; Schmidhuber 1997): each step carries a value in [0, 1) and a marker; exactly two
    /// steps are marked (one in each half) and the target is the sum of their values. Inputs [N, T, 2] (batch first),
    /// targets [N, 1]. Solving it needs memory across the whole sequence; always answering 1 gives MSE ≈ 0.167.
    /// </summary>
    public static TensorDataset AddingProblem(int count, int length, ulong seed)
    {
        if (count <= 0 || length < 2) throw new ArgumentException($"AddingProblem: needs count > 0 and length ≥ 2, got {count} and {length}");
        var g = new Generator(seed);
        var x = new float[count * length * 2]; var y = new float[count];
        for (int n = 0; n < count; n++)
        {
            int half = length / 2;
            int a = g.NextInt(half), b = half + g.NextInt(length - half);
            for (int t = 0; t < length; t++)
            {
                float v = (float)g.NextDouble();
                x[(n * length + t) * 2] = v;
                if (t == a || t == b) { x[(n * length + t) * 2 + 1] = 1; y[n] += v; }
            }
        }
        return new TensorDataset(Tensor.Wrap(x, count, length, 2), Tensor.Wrap(y, count, 1));
    }

    /// <summary>
    /// Digit strings and their reversals for sequence-to-sequence models: sources [N, maxLen] and targets [N, maxLen + 1]
    /// of token ids, where digits are 3..12, 0 pads, 1 starts and 2 ends a sequence (targets end with 2, then pad).
    /// Lengths are uniform in [minLen, maxLen].
    /// </summary>
    public static (Tensor Source, Tensor Target) ReverseDigits(int count, int minLen, int maxLen, ulong seed)
    {
        if (count <= 0 || minLen < 1 || maxLen < minLen) throw new ArgumentException($"ReverseDigits: needs count > 0 and 1 ≤ minLen ≤ maxLen, got {count}, {minLen}, {maxLen}");
        var g = new Generator(seed);
        var src = new long[count * maxLen]; var tgt = new long[count * (maxLen + 1)];
        for (int n = 0; n < count; n++)
        {
            int len = minLen + g.NextInt(maxLen - minLen + 1);
            for (int i = 0; i < len; i++)
            {
                long d = Pad + 3 + g.NextInt(10);
                src[n * maxLen + i] = d;
                tgt[n * (maxLen + 1) + (len - 1 - i)] = d;
            }
            tgt[n * (maxLen + 1) + len] = End;
        }
        return (Tensor.FromLongs(src, count, maxLen), Tensor.FromLongs(tgt, count, maxLen + 1));
    }

    /// <summary>Token ids used by <see cref="ReverseDigits"/>.</summary>
    public const long Pad = 0, Start = 1, End = 2;

    /// <summary>Noisy sine waves for sequence regression: inputs [N, T, 1] and the next value after each step [N, T, 1].</summary>
    public static TensorDataset SineWaves(int count, int length, ulong seed)
    {
        var g = new Generator(seed);
        var x = new float[count * length]; var y = new float[count * length];
        for (int n = 0; n < count; n++)
        {
            double freq = 0.1 + 0.3 * g.NextDouble(), phase = 2 * Math.PI * g.NextDouble();
            for (int t = 0; t < length; t++)
            {
                x[n * length + t] = (float)(Math.Sin(freq * t + phase) + 0.05 * g.NextNormal());
                y[n * length + t] = (float)Math.Sin(freq * (t + 1) + phase);
            }
        }
        return new TensorDataset(Tensor.Wrap(x, count, length, 1), Tensor.Wrap(y, count, length, 1));
    }
}
