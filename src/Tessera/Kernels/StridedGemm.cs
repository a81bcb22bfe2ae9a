namespace Tessera.Kernels;

/// <summary>
/// Where the matrices of a batch indexed by (n, h) lie inside one row-major buffer: matrix (n, h) starts at
/// <c>Offset + n·StrideN + h·StrideH</c> and its rows are <c>Ld</c> apart. This lets attention read the heads of a
/// projected [L, N, E] or [N, L, E] tensor (head h = columns h·hd ..) and write them back without a transposed copy.
/// </summary>
public readonly record struct MatrixBatch(int Offset, int StrideN, int StrideH, int Ld)
{
    /// <summary>Contiguous [count, rows, cols] matrices, indexed by n (h is unused, count H = 1).</summary>
    public static MatrixBatch Contiguous(int rows, int cols) => new(0, rows * cols, 0, cols);

    /// <summary>Start of matrix (n, h).</summary>
    public int At(int n, int h) => Offset + n * StrideN + h * StrideH;
}

/// <summary>Batched GEMM over strided matrix batches: C[n,h] = alpha·op(A[n,h])·op(B[n,h]) + beta·C[n,h].</summary>
public static class StridedGemm
{
    /// <summary>Runs <see cref="Gemm.Multiply"/> for every (n, h) of an N × H batch; large batches run in parallel (output matrices must not overlap).</summary>
    public static void Multiply(bool transA, bool transB, int batchN, int batchH, int m, int n, int k, float alpha,
        float[] a, MatrixBatch av, float[] b, MatrixBatch bv, float beta, float[] c, MatrixBatch cv)
    {
        int count = batchN * batchH;
        void One(int i)
        {
            int bn = i / batchH, bh = i % batchH;
            int ao = av.At(bn, bh), bo = bv.At(bn, bh), co = cv.At(bn, bh);
            Gemm.Multiply(transA, transB, m, n, k, alpha, a.AsSpan(ao), av.Ld, b.AsSpan(bo), bv.Ld, beta, c.AsSpan(co), cv.Ld);
        }
        if (Parallel(count, (long)m * n * k)) System.Threading.Tasks.Parallel.For(0, count, Work.Cores, One);
        else for (int i = 0; i < count; i++) One(i);
    }

    /// <summary>Whether a batch of <paramref name="count"/> items of <paramref name="work"/> multiply-adds each is worth splitting over cores.</summary>
    internal static bool Parallel(int count, long work) => count > 1 && Environment.ProcessorCount > 1 && count * work >= 1 << 18;
}
