namespace Tessera.Kernels;

/// <summary>
/// The geometry of one recurrent pass in one direction: <see cref="Steps"/> time steps of <see cref="Batch"/> rows,
/// time-major ([T, N, ·] buffers), run forward (t = 0..T−1) or reversed (t = T−1..0). With <see cref="Lengths"/>,
/// row b exists only for t &lt; Lengths[b]: its state is frozen elsewhere, its output there is 0 and it gets no gradient
/// (the semantics of PyTorch's packed sequences).
/// </summary>
internal readonly struct RecurrentPass
{
    public readonly int Steps, Batch, Input, Hidden;
    public readonly bool Reverse;
    public readonly int[]? Lengths;
    /// <summary>When false (inference), per-step values are not kept for backward: scratch buffers hold one step.</summary>
    public readonly bool Save;

    public RecurrentPass(int steps, int batch, int input, int hidden, bool reverse, int[]? lengths, bool save)
    {
        Steps = steps; Batch = batch; Input = input; Hidden = hidden; Reverse = reverse; Lengths = lengths; Save = save;
    }

    /// <summary>The time index of the k-th step taken.</summary>
    public int StepAt(int k) => Reverse ? Steps - 1 - k : k;

    /// <summary>Whether row b has a real (not padded) element at time t.</summary>
    public bool Valid(int t, int b) => Lengths == null || t < Lengths[b];

    /// <summary>Offset of step t's [N, width] block in a per-step buffer (a [T, N, width] tape, or one reused block).</summary>
    public int Slot(int t, int width) => Save ? t * Batch * width : 0;

    /// <summary>Length of a per-step buffer of the given row width.</summary>
    public int SlotLength(int width) => (Save ? Steps : 1) * Batch * width;

    /// <summary>
    /// Whether one step's row loop (the gate arithmetic of N rows of H units) is split across cores. A hidden unit costs
    /// a few nanoseconds per step (four gates, three or four exponentials), so from about 4096 units a step takes tens
    /// of microseconds, several times the cost of starting the tasks; the GEMMs around it parallelise on their own.
    /// </summary>
    public bool SplitRows => Batch > 1 && (long)Batch * Hidden >= 4096 && Environment.ProcessorCount > 1;

    /// <summary>Runs rows(lo, hi) over the batch rows of one step, split across cores when <see cref="SplitRows"/>.</summary>
    public void ForRows(Action<int, int> rows)
    {
        if (!SplitRows) { rows(0, Batch); return; }
        Work.ForChunks(Math.Min(Batch, Environment.ProcessorCount), Batch, (_, lo, hi) => rows(lo, hi));
    }

    /// <summary>
    /// Wᵀ of a row-major [rows, cols] weight, made once per pass so that every per-step product reads its B operand
    /// row by row (x·Wᵀ becomes x·(Wᵀ) with contiguous rows), which suits both the GEMM's small-batch paths and plain loops.
    /// </summary>
    public static void Transpose(ReadOnlySpan<float> w, int rows, int cols, Span<float> t)
    {
        const int tile = 32;   // a 32×32 tile of both matrices stays in L1, so the strided writes hit cache
        for (int r0 = 0; r0 < rows; r0 += tile)
            for (int c0 = 0; c0 < cols; c0 += tile)
            {
                int r1 = Math.Min(rows, r0 + tile), c1 = Math.Min(cols, c0 + tile);
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++) t[c * rows + r] = w[r * cols + c];
            }
    }

    /// <summary>Fills every row of a [rows, width] buffer with b1 + b2 (either may be empty), or zeros.</summary>
    public static void FillRows(Span<float> dst, int rows, int width, ReadOnlySpan<float> b1, ReadOnlySpan<float> b2)
    {
        if (b1.IsEmpty && b2.IsEmpty) { dst[..(rows * width)].Clear(); return; }
        var first = dst[..width];
        if (b1.IsEmpty) b2.CopyTo(first);
        else if (b2.IsEmpty) b1.CopyTo(first);
        else System.Numerics.Tensors.TensorPrimitives.Add(b1, b2, first);
        for (int r = 1; r < rows; r++) first.CopyTo(dst.Slice(r * width, width));
    }
}
