using Tessera.Kernels;

namespace Tessera.Tests.Kernels;

public class GemmTests
{
    /// <summary>Every kernel this CPU can run, so the AVX2 and scalar fallbacks are covered on an AVX-512 machine too.</summary>
    public static IEnumerable<object[]> Isas() =>
        new[] { GemmIsa.Scalar, GemmIsa.Avx2, GemmIsa.Avx512 }.Where(GemmMicroKernel.IsSupported).Select(i => new object[] { i });

    private static readonly GemmIsa[] AllIsas = Isas().Select(o => (GemmIsa)o[0]).ToArray();

    public static IEnumerable<object[]> Shapes()
    {
        int[][] shapes =
        [
            [1, 1, 1], [7, 7, 7], [33, 33, 33], [64, 64, 64], [257, 257, 257], [300, 200, 500],
            [1, 1024, 300], [3, 77, 129], [200, 2, 70], [5, 4, 33], [32, 1024, 64], [9, 65, 513], [40, 31, 1],
            [4, 600, 40], [2, 3000, 700], [900, 1, 1100], [1, 4097, 500], [4001, 3, 600],
            // Past GemmDriver.DynamicThreshold: shared packed op(B), blocks claimed by the threads; the second one
            // also packs op(B) in k slices (k·n > SharedPackBudget).
            [520, 300, 260], [8, 64, 70000],
        ];
        foreach (var s in shapes)
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                yield return [s[0], s[1], s[2], ta, tb];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference_AllTransposes(int m, int n, int k, bool transA, bool transB)
    {
        Check(AllIsas, transA, transB, m, n, k, 1f, 0f, pad: 0, seed: m * 31 + n * 7 + k);
    }

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(1f, 1f)]
    [InlineData(-1.5f, 0.5f)]
    [InlineData(0.25f, -2f)]
    public void AlphaBeta(float alpha, float beta)
    {
        foreach (var (m, n, k) in new[] { (7, 7, 7), (33, 65, 40), (2, 50, 30), (50, 3, 30), (300, 200, 500) })
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                Check(AllIsas, ta, tb, m, n, k, alpha, beta, pad: 0, seed: m + n + k);
    }

    [Theory]
    [MemberData(nameof(Isas))]
    internal void LeadingDimensionsLargerThanRows(GemmIsa isa)
    {
        foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 40, 9), (33, 17, 70), (64, 64, 64), (130, 70, 300), (40, 2, 20) })
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
            {
                Check([isa], ta, tb, m, n, k, 1f, 0f, pad: 5, seed: k);
                Check([isa], ta, tb, m, n, k, 0.5f, 1f, pad: 13, seed: k + 1);
            }
    }

    [Fact]
    public void EmptyDimensions()
    {
        // m = 0 or n = 0: nothing to do, buffers may be empty.
        Gemm.Multiply(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, [], 5);
        var untouched = new float[] { float.NaN, 1, 2, 3, 4 };
        Gemm.Multiply(false, false, 5, 0, 3, 1f, new float[15], 3, new float[3], 1, 0f, untouched, 1);
        Assert.Equal(new float[] { float.NaN, 1, 2, 3, 4 }, untouched);
        Gemm.Multiply(true, true, 0, 0, 0, 1f, [], 1, [], 1, 0f, [], 1);
        // k = 0: C = beta·C, and beta = 0 clears NaN garbage.
        var c = new float[] { float.NaN, 2, 3, 4, 5, 6 };
        Gemm.Multiply(false, false, 2, 3, 0, 1f, new float[1], 1, [], 3, 0f, c, 3);
        Assert.All(c, v => Assert.Equal(0f, v));
        c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply(true, false, 2, 3, 0, 1f, [], 2, [], 3, 0.5f, c, 3);
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }, c);
    }

    [Fact]
    public void AlphaZeroDoesNotReadOperands()
    {
        // BLAS semantics: with alpha = 0, A and B are not referenced, so NaN in them cannot reach C.
        var a = Enumerable.Repeat(float.NaN, 6).ToArray();
        var c = new float[] { 1, 2, 3, 4 };
        Gemm.Multiply(false, false, 2, 2, 3, 0f, a, 3, a, 2, 2f, c, 2);
        Assert.Equal(new float[] { 2, 4, 6, 8 }, c);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 2, 1f, new float[4], 1, new float[4], 2, 0f, new float[4], 2));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 2, 1f, new float[3], 2, new float[4], 2, 0f, new float[4], 2));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, -1, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[4], 2));
    }

    [Fact]
    public void ConcurrentCallsAreIndependent()
    {
        // Mixed sizes: some run their own Parallel.For inside, some stay on the calling thread, all share the pools.
        var shapes = new[] { (300, 200, 500), (64, 64, 64), (1, 700, 300), (129, 33, 257), (700, 3, 100), (160, 300, 400) };
        var cases = Enumerable.Range(0, 24).Select(i =>
        {
            var (m, n, k) = shapes[i % shapes.Length];
            bool ta = (i & 1) != 0, tb = (i & 2) != 0;
            var rnd = new Random(i);
            var a = RandomArray(rnd, m * k); var b = RandomArray(rnd, k * n);
            var expected = Reference(ta, tb, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, 0, new float[m * n], n, out var scale);
            return (m, n, k, ta, tb, a, b, expected, scale);
        }).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, cases.Length * 3, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            var (m, n, k, ta, tb, a, b, expected, scale) = cases[t % cases.Length];
            var c = new float[m * n];
            Gemm.Multiply(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n);
            for (int i = 0; i < c.Length; i++)
                if (!(Math.Abs(c[i] - expected[i]) <= 1e-5 * scale[i] + 1e-30)) { failures.Add($"case {t}: element {i}: {c[i]} vs {expected[i]}"); break; }
        });
        Assert.Empty(failures);
    }

    /// <summary>
    /// Runs one product with operands stored as sub-matrices of wider buffers (row stride = row length + pad) whose gaps
    /// hold NaN (so reading outside op(A)/op(B) shows up in C) and checks C against a double-precision triple loop, with
    /// beta = 0 fed NaN-filled C, and C's own gaps left untouched.
    /// </summary>
    private static void Check(GemmIsa[] isas, bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad, int seed)
    {
        var rnd = new Random(seed);
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        var a = Strided(rnd, aRows, aCols, lda, float.NaN);
        var b = Strided(rnd, bRows, bCols, ldb, float.NaN);
        var c0 = Strided(rnd, m, n, ldc, -7f);
        if (beta == 0)
            for (int i = 0; i < m; i++) c0.AsSpan(i * ldc, n).Fill(float.NaN);
        var expected = Reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc, out var scale);
        foreach (var isa in isas)
        {
            var c = (float[])c0.Clone();
            Gemm.Run(isa, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float got = c[i * ldc + j];
                    double want = expected[i * n + j], tol = 1e-5 * scale[i * n + j] + 1e-30;
                    if (!(Math.Abs(got - want) <= tol))
                        Assert.Fail($"{isa} transA={transA} transB={transB} m={m} n={n} k={k} alpha={alpha} beta={beta} pad={pad}: C[{i},{j}] = {got}, expected {want} (tol {tol})");
                }
                for (int j = n; j < ldc && i * ldc + j < c.Length; j++)
                    if (c[i * ldc + j] != -7f) Assert.Fail($"{isa}: wrote outside C at [{i},{j}]");
            }
        }
    }

    /// <summary>Double-precision C = alpha·op(A)·op(B) + beta·C, with the error scale Σ|alpha·a·b| + |beta·c| per element.</summary>
    private static double[] Reference(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda,
        float[] b, int ldb, float beta, float[] c, int ldc, out double[] scale)
    {
        var r = new double[m * n];
        scale = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = transA ? a[p * lda + i] : a[i * lda + p];
                    double y = transB ? b[j * ldb + p] : b[p * ldb + j];
                    s += x * y;
                    abs += Math.Abs(x * y);
                }
                double cv = beta == 0 ? 0 : (double)beta * c[i * ldc + j];
                r[i * n + j] = alpha * s + cv;
                scale[i * n + j] = Math.Abs(alpha) * abs + Math.Abs(cv);
            }
        return r;
    }

    private static float[] Strided(Random rnd, int rows, int cols, int ld, float gap)
    {
        var x = new float[rows == 0 ? 0 : (rows - 1) * ld + cols + (ld - cols)];
        Array.Fill(x, gap);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) x[i * ld + j] = (float)(rnd.NextDouble() * 2 - 1);
        return x;
    }

    private static float[] RandomArray(Random rnd, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rnd.NextDouble() * 2 - 1);
        return x;
    }
}
