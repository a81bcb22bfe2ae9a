namespace Tessera.Kernels;

/// <summary>Small dense solves in float64 for the closed-form readouts (ridge regression, least squares). Row-major.</summary>
public static class Linalg
{
    /// <summary>
    /// Solves A·X = B in place (B ← X) for symmetric positive-definite A [n, n] and B [n, m] by Cholesky, A = L·Lᵀ
    /// (A's lower triangle is overwritten with L). Returns false when a pivot is not positive, i.e. A is singular or
    /// indefinite to working precision.
    /// </summary>
    public static bool CholeskySolve(Span<double> a, int n, Span<double> b, int m)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
            if (!(d > 0)) return false;
            double ljj = Math.Sqrt(d);
            a[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = s / ljj;
            }
        }
        for (int c = 0; c < m; c++)
        {
            for (int i = 0; i < n; i++)          // L·y = b
            {
                double s = b[i * m + c];
                for (int k = 0; k < i; k++) s -= a[i * n + k] * b[k * m + c];
                b[i * m + c] = s / a[i * n + i];
            }
            for (int i = n - 1; i >= 0; i--)     // Lᵀ·x = y
            {
                double s = b[i * m + c];
                for (int k = i + 1; k < n; k++) s -= a[k * n + i] * b[k * m + c];
                b[i * m + c] = s / a[i * n + i];
            }
        }
        return true;
    }

    /// <summary>G = P·Qᵀ for P [r, k], Q [s, k] (float64 accumulate), e.g. the Gram matrix X·Xᵀ when Q = P.</summary>
    public static double[] MultiplyTransposed(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int r, int s, int k)
    {
        var g = new double[r * s];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < s; j++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++) sum += p[i * k + t] * q[j * k + t];
                g[i * s + j] = sum;
            }
        return g;
    }
}
