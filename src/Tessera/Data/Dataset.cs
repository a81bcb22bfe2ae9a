namespace Tessera.Data;

/// <summary>A finite set of (input, target) examples that can be fetched in batches by index.</summary>
public interface IDataset
{
    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>The examples at <paramref name="indices"/>, stacked: inputs [B, ...] and targets [B, ...].</summary>
    (Tensor X, Tensor Y) GetBatch(ReadOnlySpan<int> indices);
}

/// <summary>Examples held as two tensors whose first dim is the example index (X [N, ...], Y [N, ...]; Y int64 labels or float targets).</summary>
public sealed class TensorDataset : IDataset
{
    public Tensor X { get; }
    public Tensor Y { get; }

    public TensorDataset(Tensor x, Tensor y)
    {
        if (x.Rank == 0 || y.Rank == 0 || x.Dims[0] != y.Dims[0])
            throw new ArgumentException($"TensorDataset: inputs {ShapeUtil.Format(x.Dims)} and targets {ShapeUtil.Format(y.Dims)} must have the same first dim");
        (X, Y) = (x, y);
    }

    public int Count => X.Dims[0];

    public (Tensor X, Tensor Y) GetBatch(ReadOnlySpan<int> indices) => (Rows(X, indices), Rows(Y, indices));

    /// <summary>Copies the listed rows (first-dim slices) into a new tensor.</summary>
    public static Tensor Rows(Tensor t, ReadOnlySpan<int> indices)
    {
        int n = t.Dims[0], row = n == 0 ? 0 : t.Numel / n;
        var shape = t.Shape; shape[0] = indices.Length;
        foreach (var i in indices) if (i < 0 || i >= n) throw new ArgumentOutOfRangeException(nameof(indices), $"example index {i} is out of range for {n} examples");
        switch (t.DType)
        {
            case DType.Float32: { var src = t.FloatArray; var o = new float[indices.Length * row]; for (int k = 0; k < indices.Length; k++) Array.Copy(src, indices[k] * row, o, k * row, row); return Tensor.Wrap(o, shape); }
            case DType.Int64: { var src = t.LongArray; var o = new long[indices.Length * row]; for (int k = 0; k < indices.Length; k++) Array.Copy(src, indices[k] * row, o, k * row, row); return new Tensor(shape, o); }
            default: { var src = t.B8!; var o = new bool[indices.Length * row]; for (int k = 0; k < indices.Length; k++) Array.Copy(src, indices[k] * row, o, k * row, row); return new Tensor(shape, o); }
        }
    }

    /// <summary>Splits into (first, second) with <paramref name="firstFraction"/> of the examples in the first, after a seeded shuffle.</summary>
    public (TensorDataset First, TensorDataset Second) Split(double firstFraction, ulong seed)
    {
        if (firstFraction <= 0 || firstFraction >= 1) throw new ArgumentException($"Split: fraction must be in (0, 1), got {firstFraction}");
        var perm = new Generator(seed).Permutation(Count);
        int k = (int)Math.Round(Count * firstFraction);
        return (new TensorDataset(Rows(X, perm.AsSpan(0, k)), Rows(Y, perm.AsSpan(0, k))),
                new TensorDataset(Rows(X, perm.AsSpan(k)), Rows(Y, perm.AsSpan(k))));
    }

    /// <summary>(x − mean) / std per channel (dim 1), computed on this dataset; returns the new dataset and the statistics.</summary>
    public (TensorDataset Normalized, float[] Mean, float[] Std) Normalize(float[]? mean = null, float[]? std = null)
    {
        if (X.Rank < 2) throw new ArgumentException($"Normalize: inputs need a channel dim, got {ShapeUtil.Format(X.Dims)}");
        int n = X.Dims[0], c = X.Dims[1], inner = X.Numel / Math.Max(1, n * c);
        var src = X.FloatArray;
        if (mean == null || std == null)
        {
            mean = new float[c]; std = new float[c];
            for (int ch = 0; ch < c; ch++)
            {
                double s = 0, s2 = 0; long count = (long)n * inner;
                for (int i = 0; i < n; i++) for (int k = 0; k < inner; k++) { double v = src[(i * c + ch) * inner + k]; s += v; s2 += v * v; }
                double m = s / count;
                mean[ch] = (float)m; std[ch] = (float)Math.Sqrt(Math.Max(s2 / count - m * m, 1e-12));
            }
        }
        if (mean.Length != c || std.Length != c) throw new ArgumentException($"Normalize: {c} channels but {mean.Length} means and {std.Length} stds");
        var o = new float[src.Length];
        for (int i = 0; i < n; i++) for (int ch = 0; ch < c; ch++) for (int k = 0; k < inner; k++)
        {
            int p = (i * c + ch) * inner + k;
            o[p] = (src[p] - mean[ch]) / std[ch];
        }
        return (new TensorDataset(Tensor.Wrap(o, X.Shape), Y), mean, std);
    }
}
