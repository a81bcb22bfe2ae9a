using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels;

/// <summary>
/// Row operations for the short rows of convolution and pooling kernels (a 7- to 112-wide feature-map row): a plain
/// SIMD loop with a scalar tail. TensorPrimitives is the choice for long vectors, but its per-call cost dominates at
/// these lengths, where a kernel makes one call per row and tap.
/// </summary>
internal static class Vec
{
    /// <summary>y += a·x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = y.Length, i = 0;
        if (x.Length < n) throw new ArgumentException("Vec.Axpy: x is shorter than y");
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var va = new Vector<float>(a);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = Vector.LoadUnsafe(ref yr, (nuint)i) + va * Vector.LoadUnsafe(ref xr, (nuint)i);
                v.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i);
    }

    /// <summary>y += x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = y.Length, i = 0;
        if (x.Length < n) throw new ArgumentException("Vec.Add: x is shorter than y");
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                (Vector.LoadUnsafe(ref yr, (nuint)i) + Vector.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref yr, i) += Unsafe.Add(ref xr, i);
    }

    /// <summary>y += a (every element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScalar(float a, Span<float> y)
    {
        int n = y.Length, i = 0;
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var va = new Vector<float>(a);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                (Vector.LoadUnsafe(ref yr, (nuint)i) + va).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) += a;
    }

    /// <summary>Σ a[i]·b[i] over a's length, in float lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, i = 0;
        if (b.Length < n) throw new ArgumentException("Vec.Dot: b is shorter than a");
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        float s = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                acc += Vector.LoadUnsafe(ref ar, (nuint)i) * Vector.LoadUnsafe(ref br, (nuint)i);
            s = Vector.Sum(acc);
        }
        for (; i < n; i++) s += Unsafe.Add(ref ar, i) * Unsafe.Add(ref br, i);
        return s;
    }

    /// <summary>Σ a[i], in float lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(ReadOnlySpan<float> a)
    {
        int n = a.Length, i = 0;
        ref float ar = ref MemoryMarshal.GetReference(a);
        float s = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            // Four accumulators: one would wait on the previous add's latency every step.
            int w = Vector<float>.Count;
            Vector<float> a0 = Vector<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                a0 += Vector.LoadUnsafe(ref ar, (nuint)i);
                a1 += Vector.LoadUnsafe(ref ar, (nuint)(i + w));
                a2 += Vector.LoadUnsafe(ref ar, (nuint)(i + 2 * w));
                a3 += Vector.LoadUnsafe(ref ar, (nuint)(i + 3 * w));
            }
            for (; i <= n - w; i += w) a0 += Vector.LoadUnsafe(ref ar, (nuint)i);
            s = Vector.Sum((a0 + a1) + (a2 + a3));
        }
        for (; i < n; i++) s += Unsafe.Add(ref ar, i);
        return s;
    }

    /// <summary>
    /// o = 0 where x ≤ 0, else g: the gradient of ReLU given its input or output (PyTorch's threshold_backward, so a NaN
    /// passes its gradient through). Branch-free: on random signs a branch mispredicts every other element.
    /// </summary>
    public static void ZeroWhereNotPositive(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> o)
    {
        int n = o.Length, i = 0;
        if (x.Length < n || g.Length < n) throw new ArgumentException("Vec.ZeroWhereNotPositive: x or g is shorter than o");
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float or = ref MemoryMarshal.GetReference(o);
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                Vector.ConditionalSelect(Vector.LessThanOrEqual(Vector.LoadUnsafe(ref xr, (nuint)i), Vector<float>.Zero), Vector<float>.Zero, Vector.LoadUnsafe(ref gr, (nuint)i))
                    .StoreUnsafe(ref or, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref or, i) = Unsafe.Add(ref xr, i) <= 0 ? 0f : Unsafe.Add(ref gr, i);
    }

    /// <summary>The even and the odd elements of p[0..16) (AVX2 only): the two columns of stride-2 windows, eight windows at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe (Vector256<float> Even, Vector256<float> Odd) EvenOdd(float* p)
    {
        var order = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var lo = Avx2.PermuteVar8x32(Avx.LoadVector256(p), order);       // x0 x2 x4 x6 | x1 x3 x5 x7
        var hi = Avx2.PermuteVar8x32(Avx.LoadVector256(p + 8), order);   // x8 … x14 | x9 … x15
        return (Avx2.Permute2x128(lo, hi, 0x20), Avx2.Permute2x128(lo, hi, 0x31));
    }
}
