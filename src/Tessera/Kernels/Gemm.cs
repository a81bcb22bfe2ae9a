namespace Tessera.Kernels;

/// <summary>
/// General matrix multiply, row-major: C = alpha·op(A)·op(B) + beta·C, with op(X) = X or Xᵀ.
/// op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are the row strides of the stored matrices.
/// </summary>
/// <remarks>
/// Packed, cache-blocked and register-blocked after Goto &amp; van de Geijn (2008) and BLIS (see <see cref="GemmDriver"/>),
/// with AVX-512, AVX2+FMA or scalar micro-kernels (<see cref="GemmMicroKernel"/>); products with at most four rows or
/// columns skip packing (<see cref="GemmSmall"/>). Large products use all cores; small ones stay on the calling thread.
/// Thread-safe: all scratch memory is per call (pooled).
/// </remarks>
public static class Gemm
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        Run(GemmMicroKernel.Best, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary><see cref="Multiply"/> on a chosen ISA (≤ <see cref="GemmMicroKernel.Best"/>), so tests can cover every kernel on one machine.</summary>
    internal static unsafe void Run(GemmIsa isa, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (!GemmMicroKernel.IsSupported(isa)) throw new PlatformNotSupportedException($"Gemm: {isa} is not supported on this CPU");
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0 || alpha == 0)
            {
                // As in BLAS, A and B are not read at all: C = beta·C (beta = 0 clears, even NaN).
                Scale(pc, m, n, ldc, beta);
                return;
            }
            var op = new GemmOperands(pa, transA ? 1 : lda, transA ? lda : 1, pb, transB ? 1 : ldb, transB ? ldb : 1,
                pc, ldc, 1, m, n, k, alpha, beta);
            if (m <= GemmSmall.MaxRows) GemmSmall.Run(isa, op);
            else if (n <= GemmSmall.MaxRows) GemmSmall.Run(isa, op.Transposed());
            else GemmDriver.Run(isa, op);
        }
    }

    private static unsafe void Scale(float* c, int m, int n, int ldc, float beta)
    {
        if (beta == 1) return;
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (beta == 0) row.Clear();
            else System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    internal static void Validate(bool transA, bool transB, int m, int n, int k, int aLen, int lda, int bLen, int ldb, int cLen, int ldc)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Gemm: negative size m={m} n={n} k={k}");
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        if (lda < Math.Max(1, aCols) || ldb < Math.Max(1, bCols) || ldc < Math.Max(1, n))
            throw new ArgumentException($"Gemm: leading dimensions too small (lda={lda}, ldb={ldb}, ldc={ldc}) for m={m} n={n} k={k}");
        if ((aRows > 0 && (long)(aRows - 1) * lda + aCols > aLen) || (bRows > 0 && (long)(bRows - 1) * ldb + bCols > bLen) || (m > 0 && (long)(m - 1) * ldc + n > cLen))
            throw new ArgumentException($"Gemm: a buffer is too short for m={m} n={n} k={k}");
    }
}
