using System.Numerics.Tensors;

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
                if (inner == 1) { row[0] = (1 - l) * a[0] + l * b[0]; continue; }
                TensorPrimitives.Multiply(a, 1 - l, row);
                TensorPrimitives.MultiplyAdd(b, l, row, row);
            }
        }
    }

    /// <summary>dx += the adjoint of <see cref="Forward"/>: each output row's gradient split between its two sources.</summary>
    public static void Backward(ReadOnlySpan<float> dy, Span<float> dx, int outer, int length, int inner, ReadOnlySpan<int> i0, ReadOnlySpan<int> i1, ReadOnlySpan<float> lambda)
    {
        int outLen = i0.Length;
        for (int o = 0; o < outer; o++)
        {
            var src = dy.Slice(o * outLen * inner, outLen * inner);
            var dst = dx.Slice(o * length * inner, length * inner);
            for (int j = 0; j < outLen; j++)
            {
                var g = src.Slice(j * inner, inner);
                var a = dst.Slice(i0[j] * inner, inner);
                float l = lambda[j];
                if (l == 0f) { TensorPrimitives.Add(a, g, a); continue; }
                var b = dst.Slice(i1[j] * inner, inner);
                TensorPrimitives.MultiplyAdd(g, 1 - l, a, a);
                TensorPrimitives.MultiplyAdd(g, l, b, b);
            }
        }
    }
}
