namespace Tessera.Kernels;

/// <summary>
/// Resampling along the middle axis of a tensor seen as [outer, L, inner]: output row j is
/// (1 − λ_j)·x[i0_j] + λ_j·x[i1_j]. Linear, bilinear and trilinear interpolation are separable, so they are one such
/// pass per dim; nearest neighbour is the pass with λ = 0.
/// </summary>
public static class Resample
{
    /// <summary>y[o, j, :] = (1 − λ_j)·x[o, i0_j, :] + λ_j·x[o, i1_j, :] for j &lt; i0.Length.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int outer, int length, int inner, ReadOnlySpan<int> i0, ReadOnlySpan<int> i1, ReadOnlySpan<float> lambda)
    {
        int outLen = i0.Length;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var src = x.Slice(o * length, length);
                var dst = y.Slice(o * outLen, outLen);
                for (int j = 0; j < outLen; j++) dst[j] = (1 - lambda[j]) * src[i0[j]] + lambda[j] * src[i1[j]];
            }
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var src = x.Slice(o * length * inner, length * inner);
            var dst = y.Slice(o * outLen * inner, outLen * inner);
            for (int j = 0; j < outLen; j++)
            {
                var row = dst.Slice(j * inner, inner);
                var a = src.Slice(i0[j] * inner, inner);
                float l = lambda[j];
                if (l == 0f) { a.CopyTo(row); continue; }
                var b = src.Slice(i1[j] * inner, inner);
                row.Clear();
                Vec.Axpy(1 - l, a, row);
                Vec.Axpy(l, b, row);
            }
        }
    }

    /// <summary>dx += the adjoint of <see cref="Forward"/>: each output row's gradient split between its two sources.</summary>
    public static void Backward(ReadOnlySpan<float> dy, Span<float> dx, int outer, int length, int inner, ReadOnlySpan<int> i0, ReadOnlySpan<int> i1, ReadOnlySpan<float> lambda)
    {
        int outLen = i0.Length;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var src = dy.Slice(o * outLen, outLen);
                var dst = dx.Slice(o * length, length);
                for (int j = 0; j < outLen; j++) { dst[i0[j]] += (1 - lambda[j]) * src[j]; dst[i1[j]] += lambda[j] * src[j]; }
            }
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var src = dy.Slice(o * outLen * inner, outLen * inner);
            var dst = dx.Slice(o * length * inner, length * inner);
            for (int j = 0; j < outLen; j++)
            {
                var g = src.Slice(j * inner, inner);
                var a = dst.Slice(i0[j] * inner, inner);
                float l = lambda[j];
                if (l == 0f) { Vec.Add(g, a); continue; }
                Vec.Axpy(1 - l, g, a);
                Vec.Axpy(l, g, dst.Slice(i1[j] * inner, inner));
            }
        }
    }
}
