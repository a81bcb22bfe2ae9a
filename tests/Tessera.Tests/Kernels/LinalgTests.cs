using Tessera.Kernels;

namespace Tessera.Tests.Kernels;

/// <summary>The float64 solves behind RidgeReadout and ELM, checked by the equations they must satisfy, on odd sizes.</summary>
public class LinalgTests
{
    private static double[] Random(Generator g, int n) => Enumerable.Range(0, n).Select(_ => g.NextNormal()).ToArray();

    private static double[] Mul(double[] a, double[] b, int n, int k, int m)
    {
        var c = new double[n * m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) { double s = 0; for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * m + j]; c[i * m + j] = s; }
        return c;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(33, 2)]
    public void CholeskySolvesSymmetricPositiveDefiniteSystems(int n, int m)
    {
        var g = new Generator((ulong)n);
        var r = Random(g, n * n);
        var a = Linalg.MultiplyTransposed(r, r, n, n, n);          // R·Rᵀ + I is SPD
        for (int i = 0; i < n; i++) a[i * n + i] += 1;
        var b = Random(g, n * m);
        var x = (double[])b.Clone();
        Assert.True(Linalg.CholeskySolve((double[])a.Clone(), n, x, m));
        var ax = Mul(a, x, n, n, m);
        for (int i = 0; i < b.Length; i++) Assert.Equal(b[i], ax[i], 9);
        Assert.False(Linalg.CholeskySolve(new double[] { 1, 2, 2, 1 }, 2, new double[2], 1));   // indefinite
    }

    [Theory]
    [InlineData(9, 4, 2, false)]
    [InlineData(3, 7, 2, false)]
    [InlineData(8, 5, 3, true)]
    [InlineData(1, 1, 1, false)]
    public void PseudoInverseGivesTheMinimumNormLeastSquaresSolution(int n, int k, int m, bool rankDeficient)
    {
        var g = new Generator((ulong)(n * 100 + k));
        var a = Random(g, n * k);
        if (rankDeficient) for (int i = 0; i < n; i++) a[i * k + k - 1] = 2 * a[i * k];   // last column = 2 × first
        var b = Random(g, n * m);
        var x = Linalg.PseudoInverseSolve(a, n, k, b, m);
        // Normal equations Aᵀ(A·x − b) = 0 ...
        var residual = Mul(a, x, n, k, m);
        for (int i = 0; i < residual.Length; i++) residual[i] -= b[i];
        var at = new double[k * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) at[j * n + i] = a[i * k + j];
        Assert.All(Mul(at, residual, k, n, m), v => Assert.True(Math.Abs(v) < 1e-9, $"Aᵀr = {v}"));
        // ... and x lies in the row space of A (minimum norm): with the duplicated column, x_last = 2·x_first.
        if (rankDeficient) for (int c = 0; c < m; c++) Assert.Equal(2 * x[c], x[(k - 1) * m + c], 9);
        if (n < k) for (int i = 0; i < b.Length; i++) Assert.Equal(b[i], residual[i] + b[i], 9);
    }
}
