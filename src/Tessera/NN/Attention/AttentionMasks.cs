namespace Tessera.NN;

/// <summary>Masks in the conventions of this library's attention: bool True = masked out / padding, float added to the scores.</summary>
public static class AttentionMasks
{
    /// <summary>[L, L] bool, True above the diagonal: query i may attend to keys 0..i.</summary>
    public static Tensor Causal(int length) => Causal(length, length);

    /// <summary>[Lq, Lk] bool, True where key j &gt; query i (top-left aligned).</summary>
    public static Tensor Causal(int queries, int keys)
    {
        var m = new bool[queries * keys];
        for (int i = 0; i < queries; i++) for (int j = i + 1; j < keys; j++) m[i * keys + j] = true;
        return Tensor.FromBools(m, queries, keys);
    }

    /// <summary>[L, L] float, −∞ above the diagonal and 0 elsewhere (torch.nn.Transformer.generate_square_subsequent_mask).</summary>
    public static Tensor SquareSubsequent(int length)
    {
        var m = new float[length * length];
        for (int i = 0; i < length; i++) for (int j = i + 1; j < length; j++) m[i * length + j] = float.NegativeInfinity;
        return Tensor.Wrap(m, length, length);
    }

    /// <summary>Key padding mask [N, L] bool: position j of example n is padding (True) when j ≥ lengths[n].</summary>
    public static Tensor Padding(IReadOnlyList<int> lengths, int length)
    {
        var m = new bool[lengths.Count * length];
        for (int n = 0; n < lengths.Count; n++)
        {
            if (lengths[n] < 0 || lengths[n] > length) throw new ArgumentOutOfRangeException(nameof(lengths), $"AttentionMasks.Padding: length {lengths[n]} of example {n} is outside 0..{length}");
            for (int j = lengths[n]; j < length; j++) m[n * length + j] = true;
        }
        return Tensor.FromBools(m, lengths.Count, length);
    }
}
