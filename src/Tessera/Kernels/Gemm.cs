using System.Numerics.Tensors;

namespace Tessera.Kernels;

/// <summary>
/// General matrix multiply, row-major: C = alpha·op(A)·op(B) + beta·C, with op(X) = X or Xᵀ.
/// op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are the row strides of the stored matrices.
/// </summary>
public static class Gemm
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (int i = 0; i < m; i++)
        {
            var crow = c.Slice(i * ldc, n);
            if (beta == 0) crow.Clear(); else if (beta != 1) TensorPrimitives.Multiply(crow, beta, crow);
            for (int p = 0; p < k; p++)
            {
                float av = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                if (av == 0) continue;
                if (!transB) TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), av, crow, crow);
                else for (int j = 0; j < n; j++) crow[j] += av * b[j * ldb + p];
            }
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
