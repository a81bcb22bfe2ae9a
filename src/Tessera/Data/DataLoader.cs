namespace Tessera.Data;

/// <summary>
/// Iterates a dataset in batches: optional shuffling from a seeded <see cref="Generator"/> (the permutation is drawn at
/// the start of each epoch, so the same generator state gives the same order), drop_last, and a background thread that
/// prepares the next batch while the current one is used.
/// </summary>
public sealed class DataLoader(IDataset dataset, int batchSize, bool shuffle = false, bool dropLast = false, Generator? generator = null, bool prefetch = true)
    : IEnumerable<(Tensor X, Tensor Y)>
{
    public IDataset Dataset { get; } = dataset;
    public int BatchSize { get; } = batchSize > 0 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), $"DataLoader: batch_size must be positive, got {batchSize}");

    /// <summary>Number of batches per epoch.</summary>
    public int Count => dropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    public IEnumerator<(Tensor X, Tensor Y)> GetEnumerator()
    {
        int n = Dataset.Count;
        int[] order = shuffle ? (generator ?? Generator.Default).Permutation(n) : Enumerable.Range(0, n).ToArray();
        int batches = Count;
        (Tensor, Tensor) Load(int b) => Dataset.GetBatch(order.AsSpan(b * BatchSize, Math.Min(BatchSize, n - b * BatchSize)));
        if (!prefetch)
        {
            for (int b = 0; b < batches; b++) yield return Load(b);
            yield break;
        }
        Task<(Tensor, Tensor)>? next = batches > 0 ? Task.Run(() => Load(0)) : null;
        for (int b = 0; b < batches; b++)
        {
            var current = next!.GetAwaiter().GetResult();
            int nb = b + 1;
            next = nb < batches ? Task.Run(() => Load(nb)) : null;
            yield return current;
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
