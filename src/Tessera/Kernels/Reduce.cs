using System.Numerics.Tensors;

namespace Tessera.Kernels;

/// <summary>Reductions over the middle axis of a tensor seen as [outer, n, inner].</summary>
public static class Reduce
{
    /// <summary>o[outer, inner] = Σ_j x[outer, j, inner]. Whole-row sums accumulate pairwise in SIMD lanes.</summary>
    public static void Sum(ReadOnlySpan<float> x, Span<float> o, int outer, int n, int inner)
    {
        if (inner == 1)
        {
            for (int i = 0; i < outer; i++) o[i] = TensorPrimitives.Sum(x.Slice(i * n, n));
            return;
        }
        for (int i = 0; i < outer; i++)
        {
            var dst = o.Slice(i * inner, inner);
            x.Slice(i * n * inner, inner).CopyTo(dst);
            for (int j = 1; j < n; j++) TensorPrimitives.Add(dst, x.Slice((i * n + j) * inner, inner), dst);
        }
    }

    /// <summary>
    /// Σ x, SIMD within blocks of 4096 values and float64 across blocks: as fast as a float sum, without its drift over
    /// millions of values (a serial float64 loop is latency-bound and 10× slower).
    /// </summary>
    public static double SumAll(ReadOnlySpan<float> x)
    {
        const int block = 4096;
        double s = 0;
        for (int i = 0; i < x.Length; i += block) s += TensorPrimitives.Sum(x.Slice(i, Math.Min(block, x.Length - i)));
        return s;
    }

    /// <summary>Maximum (or minimum) over the middle axis with the index of the first extreme element; NaN propagates like PyTorch.</summary>
    public static void ArgExtreme(ReadOnlySpan<float> x, Span<float> values, Span<long> indices, int outer, int n, int inner, bool max)
    {
        for (int i = 0; i < outer; i++)
            for (int k = 0; k < inner; k++)
            {
                int baseIdx = i * n * inner + k;
                float best = x[baseIdx]; int bi = 0;
                for (int j = 1; j < n && !float.IsNaN(best); j++)
                {
                    float v = x[baseIdx + j * inner];
                    if (float.IsNaN(v) || (max ? v > best : v < best)) { best = v; bi = j; }
                }
                values[i * inner + k] = best; indices[i * inner + k] = bi;
            }
    }
}
