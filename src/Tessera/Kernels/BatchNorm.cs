using System.Numerics;
using System.Runtime.InteropServices;

namespace Tessera.Kernels;

/// <summary>
/// Fused batch-normalisation kernels over x seen as [N, C, S] (S = product of the spatial dims, 1 for [N, C]):
/// per-channel statistics in one pass, the normalise-scale-shift in one pass, and the closed-form backward in one
/// reduction pass plus one write pass (Ioffe &amp; Szegedy 2015, Sec. 3). Sums accumulate in float64 (float32 lanes
/// widened before any arithmetic), shifted by the channel's first value so that E[x²] − E[x]² does not cancel when |mean| ≫ std.
/// Channels run in parallel for large inputs; the buffers are arrays because the channels are split across threads.
/// </summary>
public static class BatchNorm
{
    /// <summary>Per-channel mean and biased variance of x [N, C, S].</summary>
    public static void Stats(float[] x, int n, int c, int s, double[] mean, double[] variance)
    {
        long count = (long)n * s;
        Work.For(c, (long)n * c * s, ch =>
        {
            float shift = x[ch * s];
            double sum = 0, sumSq = 0;
            for (int i = 0; i < n; i++)
            {
                var (a, b) = ShiftedSums(x.AsSpan((i * c + ch) * s, s), shift);
                sum += a; sumSq += b;
            }
            double m = sum / count;
            mean[ch] = shift + m;
            variance[ch] = Math.Max(0, sumSq / count - m * m);
        });
    }

    /// <summary>y = (x − center[c]) · scale[c] + offset[c] over x [N, C, S].</summary>
    public static void Apply(float[] x, float[] y, int n, int c, int s, double[] center, float[] scale, float[] offset)
    {
        Work.For(c, (long)n * c * s, ch =>
        {
            // (x − μ)·a + b with μ = m + μ_lo split so that x − m is exact near μ (Sterbenz) and μ_lo moves into b.
            float m = (float)center[ch], a = scale[ch], b = (float)(offset[ch] - (center[ch] - m) * a);
            for (int i = 0; i < n; i++)
            {
                int o = (i * c + ch) * s;
                AffineOfCentered(x.AsSpan(o, s), m, a, b, y.AsSpan(o, s));
            }
        });
    }

    /// <summary>Per channel: sumG[c] = Σ g and sumGX[c] = Σ g·(x − center[c]) over N and S (the two reductions of the backward).</summary>
    public static void BackwardSums(float[] g, float[] x, int n, int c, int s, double[] center, double[] sumG, double[] sumGX)
    {
        Work.For(c, (long)n * c * s, ch =>
        {
            float m = (float)center[ch];
            double a = 0, b = 0;
            for (int i = 0; i < n; i++)
            {
                int o = (i * c + ch) * s;
                var (sg, sgx) = GradSums(g.AsSpan(o, s), x.AsSpan(o, s), m);
                a += sg; b += sgx;
            }
            sumG[ch] = a; sumGX[ch] = b - (center[ch] - m) * a;   // Σ g·(x − μ) = Σ g·(x − m) − (μ − m)·Σ g
        });
    }

    /// <summary>dx = g·ga[c] + (x − center[c])·xa[c] + add[c] over [N, C, S] (the closed-form input gradient).</summary>
    public static void BackwardInput(float[] g, float[] x, float[] dx, int n, int c, int s, double[] center, float[] ga, float[] xa, float[] add)
    {
        Work.For(c, (long)n * c * s, ch =>
        {
            float m = (float)center[ch], p = ga[ch], q = xa[ch], r = (float)(add[ch] - (center[ch] - m) * q);
            for (int i = 0; i < n; i++)
            {
                int o = (i * c + ch) * s;
                var gs = g.AsSpan(o, s); var xs = x.AsSpan(o, s); var d = dx.AsSpan(o, s);
                ref float gr = ref MemoryMarshal.GetReference(gs), xr = ref MemoryMarshal.GetReference(xs), dr = ref MemoryMarshal.GetReference(d);
                int j = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    var vm = new Vector<float>(m); var vp = new Vector<float>(p); var vq = new Vector<float>(q); var vr = new Vector<float>(r);
                    for (; j <= s - Vector<float>.Count; j += Vector<float>.Count)
                        (Vector.LoadUnsafe(ref gr, (nuint)j) * vp + (Vector.LoadUnsafe(ref xr, (nuint)j) - vm) * vq + vr).StoreUnsafe(ref dr, (nuint)j);
                }
                for (; j < s; j++) d[j] = gs[j] * p + (xs[j] - m) * q + r;
            }
        });
    }

    /// <summary>(Σ (v − shift), Σ (v − shift)²) in float64.</summary>
    internal static (double Sum, double SumSq) ShiftedSums(ReadOnlySpan<float> v, float shift)
    {
        double sum = 0, sumSq = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated && v.Length >= Vector<float>.Count)
        {
            var vs = new Vector<double>(shift);
            Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero, q0 = Vector<double>.Zero, q1 = Vector<double>.Zero;
            ref float vr = ref MemoryMarshal.GetReference(v);
            for (; i <= v.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref vr, (nuint)i), out var lo, out var hi);
                lo -= vs; hi -= vs;
                s0 += lo; s1 += hi; q0 += lo * lo; q1 += hi * hi;
            }
            sum = Vector.Sum(s0 + s1); sumSq = Vector.Sum(q0 + q1);
        }
        for (; i < v.Length; i++) { double d = (double)v[i] - shift; sum += d; sumSq += d * d; }
        return (sum, sumSq);
    }

    /// <summary>(Σ g, Σ g·(x − center)) in float64.</summary>
    internal static (double SumG, double SumGX) GradSums(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float center)
    {
        double sg = 0, sgx = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated && g.Length >= Vector<float>.Count)
        {
            var vm = new Vector<double>(center);
            Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero, b0 = Vector<double>.Zero, b1 = Vector<double>.Zero;
            if (x.Length < g.Length) throw new ArgumentException("BatchNorm.GradSums: x is shorter than g");
            ref float gr = ref MemoryMarshal.GetReference(g), xr = ref MemoryMarshal.GetReference(x);
            for (; i <= g.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref gr, (nuint)i), out var g0, out var g1);
                Vector.Widen(Vector.LoadUnsafe(ref xr, (nuint)i), out var x0, out var x1);
                a0 += g0; a1 += g1; b0 += g0 * (x0 - vm); b1 += g1 * (x1 - vm);
            }
            sg = Vector.Sum(a0 + a1); sgx = Vector.Sum(b0 + b1);
        }
        for (; i < g.Length; i++) { sg += g[i]; sgx += (double)g[i] * ((double)x[i] - center); }
        return (sg, sgx);
    }

    /// <summary>y = (x − m)·a + b.</summary>
    internal static void AffineOfCentered(ReadOnlySpan<float> x, float m, float a, float b, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            if (y.Length < x.Length) throw new ArgumentException("BatchNorm.AffineOfCentered: y is shorter than x");
            ref float xr = ref MemoryMarshal.GetReference(x), yr = ref MemoryMarshal.GetReference(y);
            var vm = new Vector<float>(m); var va = new Vector<float>(a); var vb = new Vector<float>(b);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                ((Vector.LoadUnsafe(ref xr, (nuint)i) - vm) * va + vb).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < x.Length; i++) y[i] = (x[i] - m) * a + b;
    }
}
