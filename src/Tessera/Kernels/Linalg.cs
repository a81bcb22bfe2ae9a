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

    /// <summary>
    /// pinv(A)·B for any A [n, k] and B [n, m] (the minimum-norm least-squares solution, [k, m]), through the singular
    /// value decomposition by one-sided Jacobi rotations (Hestenes 1958): columns of A are rotated pairwise until
    /// orthogonal, A·V = U·Σ, then pinv(A)·B = V·Σ⁺·Uᵀ·B. Singular values below max(n, k)·ε·σ_max count as zero, as
    /// numpy's and PyTorch's pinv do, so rank-deficient A (collinear features) are handled.
    /// </summary>
    public static double[] PseudoInverseSolve(ReadOnlySpan<double> a, int n, int k, ReadOnlySpan<double> b, int m)
    {
        var u = new double[k][];                       // columns of A, rotated in place into U·Σ
        for (int j = 0; j < k; j++) { u[j] = new double[n]; for (int i = 0; i < n; i++) u[j][i] = a[i * k + j]; }
        var v = new double[k][];
        for (int j = 0; j < k; j++) { v[j] = new double[k]; v[j][j] = 1; }
        for (int sweep = 0; sweep < 80; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < k - 1; p++)
                for (int q = p + 1; q < k; q++)
                {
                    double alpha = Dot(u[p], u[p]), beta = Dot(u[q], u[q]), gamma = Dot(u[p], u[q]);
                    if (Math.Abs(gamma) <= 1e-15 * Math.Sqrt(alpha * beta) || gamma == 0) continue;
                    rotated = true;
                    // The rotation that zeroes the columns' inner product: t = tan θ, the smaller root of t² + 2ζt − 1 = 0.
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.Sign(zeta) / (Math.Abs(zeta) + Math.Sqrt(1 + zeta * zeta));
                    if (zeta == 0) t = 1;
                    double c = 1 / Math.Sqrt(1 + t * t), s = c * t;
                    Rotate(u[p], u[q], c, s);
                    Rotate(v[p], v[q], c, s);
                }
            if (!rotated) break;
        }
        var sigma = u.Select(col => Math.Sqrt(Dot(col, col))).ToArray();
        double cutoff = Math.Max(n, k) * 2.220446049250313e-16 * (sigma.Length == 0 ? 0 : sigma.Max());
        var x = new double[k * m];
        for (int j = 0; j < k; j++)
        {
            if (!(sigma[j] > cutoff)) continue;
            for (int c = 0; c < m; c++)
            {
                double ub = 0;                         // u_jᵀ·B[:, c] with u_j = column / σ_j
                for (int i = 0; i < n; i++) ub += u[j][i] * b[i * m + c];
                ub /= sigma[j] * sigma[j];
                for (int r = 0; r < k; r++) x[r * m + c] += v[j][r] * ub;
            }
        }
        return x;
    }

    private static double Dot(double[] x, double[] y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    private static void Rotate(double[] x, double[] y, double c, double s)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i], yi = y[i];
            x[i] = c * xi - s * yi;
            y[i] = s * xi + c * yi;
        }
    }
}
