using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Kernels;

/// <summary>
/// GEMM with at most <see cref="MaxRows"/> rows of op(A) (and, through Cᵀ = op(B)ᵀ·op(A)ᵀ, at most that many columns
/// of op(B)): matrix–vector-like products such as a recurrent cell or a linear layer at batch size 1. Each value of
/// op(B) is used at most MaxRows times, so packing it would cost as much as the arithmetic and an MR-row micro-tile
/// would mostly multiply padding; these loops read the operands in place instead.
/// </summary>
internal static unsafe class GemmSmall
{
    public const int MaxRows = 4;

    public static void Run(GemmIsa isa, GemmOperands op)
    {
        int threads = Environment.ProcessorCount;
        if (threads == 1 || (long)op.M * op.N * op.K < 2 * GemmDriver.ParallelThreshold || op.N < 64)
        {
            Columns(isa, op, 0, op.N);
            return;
        }
        // Memory-bound: splitting the columns of op(B) lets every core stream its own share.
        int chunks = Math.Min(threads, op.N / 32);
        int per = ((op.N + chunks - 1) / chunks + 15) & ~15;
        Parallel.For(0, chunks, t =>
        {
            int j0 = t * per;
            if (j0 < op.N) Columns(isa, op, j0, Math.Min(per, op.N - j0));
        });
    }

    private static void Columns(GemmIsa isa, GemmOperands op, int j0, int nc)
    {
        if (isa == GemmIsa.Scalar || !Vector256.IsHardwareAccelerated) Scalar(op, j0, nc);
        else if (op.Bcs == 1) Axpy(op, j0, nc);
        else if (op.Brs == 1) Dot(op, j0, nc);
        else Scalar(op, j0, nc);
    }

    /// <summary>
    /// op(B) rows are contiguous: C[i, :] = Σ_p op(A)[i,p]·op(B)[p, :], the "axpy" form of GEMV. Four rows of op(B) are
    /// streamed at a time, end to end, into per-row accumulators (M·nc floats, L1/L2-resident), so memory is read in a
    /// few long sequential streams; walking all k rows per column block instead would stride by the row length and miss
    /// the TLB and prefetchers on every step (measured 3× slower for 1024×1024).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit] // the accumulators are cleared explicitly
    private static void Axpy(GemmOperands op, int j0, int nc)
    {
        int m = op.M, k = op.K;
        float[]? rented = null;
        float* stack = stackalloc float[m * nc <= 1024 ? m * nc : 0];
        try
        {
            if (m * nc > 1024) rented = ArrayPool<float>.Shared.Rent(m * nc);
            fixed (float* heap = rented)
            {
                float* t = m * nc <= 1024 ? stack : heap;
                new Span<float>(t, m * nc).Clear();
                float* t0 = t, t1 = t + Math.Min(1, m - 1) * nc, t2 = t + Math.Min(2, m - 1) * nc, t3 = t + Math.Min(3, m - 1) * nc;
                int vecEnd = nc & ~7;
                for (int p = 0; p < k; p += 4)
                {
                    int q = Math.Min(4, k - p);
                    // Rows past k reuse row p with a zero coefficient.
                    float* b0 = op.B + p * op.Brs + j0, b1 = q > 1 ? b0 + op.Brs : b0, b2 = q > 2 ? b0 + 2 * op.Brs : b0, b3 = q > 3 ? b0 + 3 * op.Brs : b0;
                    float* a = op.A + p * op.Acs;
                    Vector256<float> a00 = Coef(a, 0, 0, q, op), a01 = Coef(a, 0, 1, q, op), a02 = Coef(a, 0, 2, q, op), a03 = Coef(a, 0, 3, q, op);
                    Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default, a20 = default, a21 = default, a22 = default, a23 = default;
                    Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default;
                    if (m > 1) { a10 = Coef(a, 1, 0, q, op); a11 = Coef(a, 1, 1, q, op); a12 = Coef(a, 1, 2, q, op); a13 = Coef(a, 1, 3, q, op); }
                    if (m > 2) { a20 = Coef(a, 2, 0, q, op); a21 = Coef(a, 2, 1, q, op); a22 = Coef(a, 2, 2, q, op); a23 = Coef(a, 2, 3, q, op); }
                    if (m > 3) { a30 = Coef(a, 3, 0, q, op); a31 = Coef(a, 3, 1, q, op); a32 = Coef(a, 3, 2, q, op); a33 = Coef(a, 3, 3, q, op); }
                    int j = 0;
                    for (; j < vecEnd; j += 8)
                    {
                        var v0 = Vector256.Load(b0 + j); var v1 = Vector256.Load(b1 + j);
                        var v2 = Vector256.Load(b2 + j); var v3 = Vector256.Load(b3 + j);
                        Acc(t0 + j, a00, a01, a02, a03, v0, v1, v2, v3);
                        if (m > 1) Acc(t1 + j, a10, a11, a12, a13, v0, v1, v2, v3);
                        if (m > 2) Acc(t2 + j, a20, a21, a22, a23, v0, v1, v2, v3);
                        if (m > 3) Acc(t3 + j, a30, a31, a32, a33, v0, v1, v2, v3);
                    }
                    for (; j < nc; j++)
                        for (int i = 0; i < m; i++)
                        {
                            float s = t[i * nc + j];
                            for (int r = 0; r < q; r++) s += a[i * op.Ars + r * op.Acs] * b0[r * op.Brs + j];
                            t[i * nc + j] = s;
                        }
                }
                Emit(op, 0, m, j0, nc, t, nc);
            }
        }
        finally
        {
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Coef(float* a, int i, int r, int q, GemmOperands op)
        => r < q ? Vector256.Create(a[i * op.Ars + r * op.Acs]) : default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Acc(float* t, Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3,
        Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        var s = Vector256.FusedMultiplyAdd(c0, v0, Vector256.Load(t));
        s = Vector256.FusedMultiplyAdd(c1, v1, s);
        s = Vector256.FusedMultiplyAdd(c2, v2, s);
        Vector256.FusedMultiplyAdd(c3, v3, s).Store(t);
    }

    /// <summary>
    /// op(B) columns are contiguous (op(B) = Bᵀ, e.g. a linear layer's weight): C[i,j] is a dot product along k. op(A)
    /// rows are made contiguous first if needed (M·K values), then four columns share each load of an A row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot(GemmOperands op, int j0, int nc)
    {
        int m = op.M, k = op.K;
        float[]? rented = null;
        float* aRows = op.A;
        nint lda = op.Ars;
        try
        {
            if (op.Acs != 1)
            {
                rented = ArrayPool<float>.Shared.Rent(m * k);
                fixed (float* t = rented)
                {
                    for (int i = 0; i < m; i++)
                        for (int p = 0; p < k; p++) t[i * k + p] = op.A[i * op.Ars + p * op.Acs];
                    DotRows(op, t, k, j0, nc);
                }
            }
            else DotRows(op, aRows, lda, j0, nc);
        }
        finally
        {
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotRows(GemmOperands op, float* a, nint lda, int j0, int nc)
    {
        int m = op.M, k = op.K, jEnd = j0 + nc;
        nint ldb = op.Bcs;
        for (int j = j0; j < jEnd; j += 4)
        {
            int cols = Math.Min(4, jEnd - j);
            // Short final group: repeat the last column rather than branch inside the loop.
            float* b0 = op.B + j * ldb, b1 = op.B + (j + Math.Min(1, cols - 1)) * ldb;
            float* b2 = op.B + (j + Math.Min(2, cols - 1)) * ldb, b3 = op.B + (j + Math.Min(3, cols - 1)) * ldb;
            for (int i = 0; i < m; i++)
            {
                float* ai = a + i * lda;
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                int p = 0;
                for (; p + 8 <= k; p += 8)
                {
                    var av = Vector256.Load(ai + p);
                    s0 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b0 + p), s0);
                    s1 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b1 + p), s1);
                    s2 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b2 + p), s2);
                    s3 = Vector256.FusedMultiplyAdd(av, Vector256.Load(b3 + p), s3);
                }
                float d0 = Vector256.Sum(s0), d1 = Vector256.Sum(s1), d2 = Vector256.Sum(s2), d3 = Vector256.Sum(s3);
                for (; p < k; p++)
                {
                    float x = ai[p];
                    d0 += x * b0[p]; d1 += x * b1[p]; d2 += x * b2[p]; d3 += x * b3[p];
                }
                float* c = op.C + i * op.Crs + j * op.Ccs;
                Store(c, d0, op.Alpha, op.Beta);
                if (cols > 1) Store(c + op.Ccs, d1, op.Alpha, op.Beta);
                if (cols > 2) Store(c + 2 * op.Ccs, d2, op.Alpha, op.Beta);
                if (cols > 3) Store(c + 3 * op.Ccs, d3, op.Alpha, op.Beta);
            }
        }
    }

    /// <summary>Portable reference loops (and the fallback for odd strides): float accumulation in k order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scalar(GemmOperands op, int j0, int nc)
    {
        for (int i = 0; i < op.M; i++)
            for (int j = j0; j < j0 + nc; j++)
            {
                float s = 0;
                float* a = op.A + i * op.Ars, b = op.B + j * op.Bcs;
                for (int p = 0; p < op.K; p++) s += a[p * op.Acs] * b[p * op.Brs];
                Store(op.C + i * op.Crs + j * op.Ccs, s, op.Alpha, op.Beta);
            }
    }

    /// <summary>Writes rows [i0, i1) × columns [j, j+width) of an accumulator tile (row stride ts) into C.</summary>
    private static void Emit(GemmOperands op, int i0, int i1, int j, int width, float* t, int ts)
    {
        for (int i = i0; i < i1; i++)
        {
            float* c = op.C + i * op.Crs + j * op.Ccs, ti = t + i * ts;
            for (int x = 0; x < width; x++) Store(c + x * op.Ccs, ti[x], op.Alpha, op.Beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float v, float alpha, float beta) => *c = beta == 0 ? alpha * v : alpha * v + beta * *c;
}
