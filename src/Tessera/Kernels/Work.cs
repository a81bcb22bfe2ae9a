namespace Tessera.Kernels;

/// <summary>
/// Splits a loop over independent items (samples of a batch, channel planes) across cores, but only when the
/// whole job is large: below about a million multiply-adds, starting tasks costs more than it saves, so small
/// ops stay on the calling thread (ARCHITECTURE.md, "Threads").
/// </summary>
internal static class Work
{
    /// <summary>Total work (multiply-adds or element visits) from which a loop is split.</summary>
    public const long Threshold = 1 << 20;

    /// <summary>
    /// True on a thread running items of a loop split across the cores: the cores are taken, so a GEMM inside stays
    /// on its thread (<see cref="GemmDriver"/>) instead of forking again and spinning on packs the other core has no time for.
    /// </summary>
    [ThreadStatic] internal static bool InSplit;

    /// <summary>True when <paramref name="items"/> items costing <paramref name="totalWork"/> in all are worth running in parallel.</summary>
    public static bool Split(int items, long totalWork) => items > 1 && totalWork >= Threshold && Environment.ProcessorCount > 1;

    /// <summary>Runs body(0..items−1), in parallel when the job is large.</summary>
    public static void For(int items, long totalWork, Action<int> body)
    {
        if (Split(items, totalWork)) Parallel.For(0, items, Cores, i => Inside(body, i));
        else for (int i = 0; i < items; i++) body(i);
    }

    /// <summary>
    /// At most one task per core: an unbounded Parallel.For runs the calling thread beside the pool's threads, so a
    /// 2-core machine ran 3 GEMMs at once and each evicted the others' packed panels from the shared caches.
    /// </summary>
    internal static readonly ParallelOptions Cores = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>Number of chunks to split <paramref name="items"/> into: 1 for a small job, else one per core.</summary>
    public static int ChunkCount(int items, long totalWork) => Split(items, totalWork) ? Math.Min(items, Environment.ProcessorCount) : 1;

    /// <summary>
    /// Runs body(chunk, start, end) over <paramref name="chunks"/> contiguous ranges of the items, for loops that
    /// accumulate into one buffer per chunk (weight gradients) and sum the buffers afterwards.
    /// </summary>
    public static void ForChunks(int chunks, int items, Action<int, int, int> body)
    {
        if (chunks <= 1) { body(0, 0, items); return; }
        Parallel.For(0, chunks, c =>
        {
            bool outer = InSplit;
            InSplit = true;
            try { body(c, (int)((long)c * items / chunks), (int)((long)(c + 1) * items / chunks)); }
            finally { InSplit = outer; }
        });
    }

    private static void Inside(Action<int> body, int i)
    {
        bool outer = InSplit;
        InSplit = true;
        try { body(i); }
        finally { InSplit = outer; }
    }
}
