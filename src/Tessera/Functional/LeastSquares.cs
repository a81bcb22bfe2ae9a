using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Ridge regression in closed form (Tikhonov; the echo-state readout of Lukoševičius 2012, eq. 9):
    /// W = Y·Xᵀ·(X·Xᵀ + β·I)⁻¹, solved as (X·Xᵀ + β·I)·Wᵀ = X·Yᵀ by Cholesky in float64. X [features, T] (one column per
    /// sample), Y [outputs, T] → W [outputs, features]. β &gt; 0 regularizes every row of X, so features &gt; T is fine. No gradient.
    /// </summary>
    public static Tensor RidgeRegression(Tensor x, Tensor y, double beta)
    {
        RequireFloat(x, "ridge_regression", "X"); RequireFloat(y, "ridge_regression", "Y");
        if (!(beta > 0)) throw new ArgumentException($"ridge_regression: beta must be positive, got {beta}");
        if (x.Rank != 2 || y.Rank != 2 || x.Dims[1] != y.Dims[1])
            throw new ArgumentException($"ridge_regression: X must be [features, T] and Y [outputs, T] with the same T, got {ShapeUtil.Format(x.Dims)} and {ShapeUtil.Format(y.Dims)}");
        int nf = x.Dims[0], ny = y.Dims[0], t = x.Dims[1];
        var xd = ToDouble(x); var yd = ToDouble(y);
        var a = Linalg.MultiplyTransposed(xd, xd, nf, nf, t);
        for (int i = 0; i < nf; i++) a[i * nf + i] += beta;
        var b = Linalg.MultiplyTransposed(xd, yd, nf, ny, t);          // X·Yᵀ [nf, ny]
        if (!Linalg.CholeskySolve(a, nf, b, ny))
            throw new ArgumentException($"ridge_regression: X·Xᵀ + {beta}·I is not positive definite to float64 precision (X {ShapeUtil.Format(x.Dims)}); increase beta");
        var w = BufferPool.RentZeroed(ny * nf);
        for (int i = 0; i < ny; i++) for (int j = 0; j < nf; j++) w[i * nf + j] = (float)b[j * ny + i];
        return new Tensor([ny, nf], w);
    }

    /// <summary>
    /// pinv(A)·B, the minimum-norm least-squares solution of A·X ≈ B (Moore–Penrose), for A [n, k] and B [n, m] of any
    /// shape and rank → [k, m], in float64 through the SVD (<see cref="Linalg.PseudoInverseSolve"/>). With n ≥ k and full
    /// rank it is (AᵀA)⁻¹AᵀB; with n &lt; k, Aᵀ(AAᵀ)⁻¹B, which reproduces B exactly. No gradient.
    /// </summary>
    public static Tensor LeastSquares(Tensor a, Tensor b)
    {
        RequireFloat(a, "least_squares", "A"); RequireFloat(b, "least_squares", "B");
        var x = LeastSquares(ToDouble(a), a.Dims, ToDouble(b), b.Dims);
        return Tensor.Wrap(x.Select(v => (float)v).ToArray(), a.Dims[1], b.Dims[1]);
    }

    internal static double[] LeastSquares(double[] a, int[] aShape, double[] b, int[] bShape)
    {
        if (aShape.Length != 2 || bShape.Length != 2 || aShape[0] != bShape[0])
            throw new ArgumentException($"least_squares: A must be [n, k] and B [n, m] with the same n, got {ShapeUtil.Format(aShape)} and {ShapeUtil.Format(bShape)}");
        return Linalg.PseudoInverseSolve(a, aShape[0], aShape[1], b, bShape[1]);
    }

    private static double[] ToDouble(Tensor t) => t.ToArray().Select(v => (double)v).ToArray();
}
