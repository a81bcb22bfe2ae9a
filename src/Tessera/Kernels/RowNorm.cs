using System.Numerics;

namespace Tessera.Kernels;

/// <summary>
/// Standardisation of contiguous rows, the core shared by layer, group and instance normalisation: each row of
/// length m becomes x̂ = (x − μ)/√(σ² + eps) with its own mean and biased variance. The backward is the closed form
/// dx = (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + eps). Sums accumulate in float64; rows run in parallel when large.
/// </summary>
public static class RowNorm
{
    /// <summary>y = x̂ for x [rows, m]; writes each row's 1/√(σ² + eps) to <paramref name="invStd"/>.</summary>
    public static void Forward(float[] x, float[] y, int rows, int m, double eps, float[] invStd)
    {
        Work.For(rows, (long)rows * m, r =>
        {
            var xs = x.AsSpan(r * m, m);
            float shift = xs[0];
            var (sum, sumSq) = BatchNorm.ShiftedSums(xs, shift);
            double d = sum / m, variance = Math.Max(0, sumSq / m - d * d), mean = shift + d;
            float inv = (float)(1 / Math.Sqrt(variance + eps)), center = (float)mean;
            invStd[r] = inv;
            // x − μ as (x − center) − (μ − center): the first difference is exact near μ, the rest moves into the offset.
            BatchNorm.AffineOfCentered(xs, center, inv, (float)(-(mean - center) * inv), y.AsSpan(r * m, m));
        });
    }

    /// <summary>dx for upstream g, given the forward's x̂ (<paramref name="y"/>) and 1/√(σ² + eps) per row.</summary>
    public static void Backward(float[] g, float[] y, float[] dx, int rows, int m, float[] invStd)
    {
        Work.For(rows, (long)rows * m, r =>
        {
            var gs = g.AsSpan(r * m, m); var ys = y.AsSpan(r * m, m); var d = dx.AsSpan(r * m, m);
            var (sg, sgy) = BatchNorm.GradSums(gs, ys, 0f);
            float inv = invStd[r], p = inv, q = (float)(-inv * sgy / m), c = (float)(-inv * sg / m);
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var vp = new Vector<float>(p); var vq = new Vector<float>(q); var vc = new Vector<float>(c);
                for (; j <= m - Vector<float>.Count; j += Vector<float>.Count)
                    (new Vector<float>(gs[j..]) * vp + new Vector<float>(ys[j..]) * vq + vc).CopyTo(d[j..]);
            }
            for (; j < m; j++) d[j] = gs[j] * p + ys[j] * q + c;
        });
    }
}
