using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels;

/// <summary>
/// Packing of GEMM operands into micro-panels (Goto &amp; van de Geijn 2008, §5; BLIS "packm"): a block of op(A) becomes
/// MR-row panels stored k-major (MR consecutive values per k), a block of op(B) becomes NR-column panels stored k-major
/// (NR consecutive values per k). The micro-kernel then streams both with unit stride from contiguous, aligned memory,
/// independent of the operands' leading dimensions (no TLB or cache-set conflicts) and of transposition: a transposed
/// operand is only read with other strides here, never copied whole.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs <paramref name="extent"/> consecutive rows of op(A) (or columns of op(B)), kc deep, into panels
    /// <paramref name="width"/> wide (MR or NR): for panel q and x &lt; width,
    /// dst[q·width·kc + p·width + x] = src[(q·width + x)·sw + p·sp], zero where q·width + x ≥ extent, so edge panels
    /// can run through the full-size micro-kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block(float* src, nint sw, nint sp, int extent, int width, int kc, float* dst)
    {
        if (sw == 1 && sp != 1)
        {
            // Source rows are contiguous along the panel width: walk them end to end, a few at a time, scattering
            // them over the panels. Filling one panel at a time would instead stride through memory by sp per k step,
            // which defeats the hardware prefetchers (5–7× slower measured for 1024-wide rows); rows are taken in
            // groups so that each panel receives 256 contiguous bytes per visit rather than one narrow row.
            int group = Math.Max(1, 64 / width);
            int p = 0;
            for (; p + group <= kc; p += group)
                CopyRows(src + p * sp, sp, group, extent, width, kc, dst + (nint)p * width);
            for (; p < kc; p++)
                CopyRows(src + p * sp, sp, 1, extent, width, kc, dst + (nint)p * width);
            return;
        }
        for (int x0 = 0; x0 < extent; x0 += width)
            Panel(src + x0 * sw, sw, sp, Math.Min(width, extent - x0), width, kc, dst + (nint)x0 * kc);
    }

    /// <summary>
    /// dst[q·width·kc + r·width + x] = src[r·sp + q·width + x] for r &lt; rows and q·width + x &lt; extent, zero up to the
    /// next multiple of width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRows(float* src, nint sp, int rows, int extent, int width, int kc, float* dst)
    {
        nint panelStride = (nint)width * kc;
        int x0 = 0;
        if (Vector256.IsHardwareAccelerated && (width & 7) == 0)
        {
            for (; x0 + width <= extent; x0 += width, src += width, dst += panelStride)
                for (int r = 0; r < rows; r++)
                    for (int x = 0; x < width; x += 8) Vector256.Load(src + r * sp + x).Store(dst + r * width + x);
        }
        else
        {
            for (; x0 + width <= extent; x0 += width, src += width, dst += panelStride)
                for (int r = 0; r < rows; r++)
                    for (int x = 0; x < width; x++) dst[r * width + x] = src[r * sp + x];
        }
        if (x0 < extent)
        {
            int w = extent - x0;
            for (int r = 0; r < rows; r++)
            {
                int x = 0;
                for (; x < w; x++) dst[r * width + x] = src[r * sp + x];
                for (; x < width; x++) dst[r * width + x] = 0;
            }
        }
    }

    /// <summary>One panel: dst[p·width + x] = src[x·sw + p·sp] for x &lt; w, 0 for w ≤ x &lt; width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Panel(float* src, nint sw, nint sp, int w, int width, int kc, float* dst)
    {
        if (sw == 1) CopyPanel(src, sp, w, width, kc, dst);
        else if (sp == 1) Transpose(src, sw, w, width, kc, dst);
        else
        {
            for (int p = 0; p < kc; p++)
                for (int x = 0; x < w; x++) dst[p * width + x] = src[x * sw + p * sp];
            ZeroTail(w, width, kc, dst);
        }
    }

    /// <summary>The panel's values for one k are already contiguous in the source (row of op(B), column of op(A)ᵀ): copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyPanel(float* src, nint sp, int w, int width, int kc, float* dst)
    {
        for (int p = 0; p < kc; p++, src += sp, dst += width)
        {
            int x = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; x + 8 <= w; x += 8) Vector256.Load(src + x).Store(dst + x);
            for (; x < w; x++) dst[x] = src[x];
            for (; x < width; x++) dst[x] = 0;
        }
    }

    /// <summary>
    /// The source is contiguous along k (rows of op(A), columns of op(B)ᵀ): an in-register transpose. 8×8 tiles use the
    /// classic unpack/shuffle/permute sequence (8 loads, 24 shuffles, 8 stores per 64 values) instead of 64 scalar moves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(float* src, nint sw, int w, int width, int kc, float* dst)
    {
        int x = 0;
        if (Avx.IsSupported)
        {
            for (; x + 8 <= w; x += 8)
            {
                float* s = src + x * sw;
                int p = 0;
                for (; p + 8 <= kc; p += 8) Transpose8x8(s + p, sw, dst + (nint)p * width + x, width);
                for (; p < kc; p++)
                    for (int r = 0; r < 8; r++) dst[p * width + x + r] = s[r * sw + p];
            }
            for (; x + 4 <= w; x += 4)
            {
                float* s = src + x * sw;
                int p = 0;
                for (; p + 8 <= kc; p += 8) Transpose4x8(s + p, sw, dst + (nint)p * width + x, width);
                for (; p < kc; p++)
                    for (int r = 0; r < 4; r++) dst[p * width + x + r] = s[r * sw + p];
            }
        }
        for (; x < w; x++)
        {
            float* s = src + x * sw;
            for (int p = 0; p < kc; p++) dst[p * width + x] = s[p];
        }
        ZeroTail(w, width, kc, dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ZeroTail(int w, int width, int kc, float* dst)
    {
        if (w == width) return;
        for (int p = 0; p < kc; p++)
            for (int x = w; x < width; x++) dst[p * width + x] = 0;
    }

    /// <summary>d[q·ds + r] = s[r·ss + q] for r, q &lt; 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, nint ss, float* d, nint ds)
    {
        var r0 = Avx.LoadVector256(s); var r1 = Avx.LoadVector256(s + ss);
        var r2 = Avx.LoadVector256(s + 2 * ss); var r3 = Avx.LoadVector256(s + 3 * ss);
        var r4 = Avx.LoadVector256(s + 4 * ss); var r5 = Avx.LoadVector256(s + 5 * ss);
        var r6 = Avx.LoadVector256(s + 6 * ss); var r7 = Avx.LoadVector256(s + 7 * ss);
        // Interleave pairs of rows: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], etc.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        // Gather 4-row columns per 128-bit lane: u0 = column 0 (rows 0–3) | column 4 (rows 0–3), etc.
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        // Join rows 0–3 with rows 4–7 across lanes.
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ds, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ds, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ds, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ds, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ds, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ds, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ds, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>d[q·ds + r] = s[r·ss + q] for r &lt; 4, q &lt; 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(float* s, nint ss, float* d, nint ds)
    {
        var r0 = Avx.LoadVector256(s); var r1 = Avx.LoadVector256(s + ss);
        var r2 = Avx.LoadVector256(s + 2 * ss); var r3 = Avx.LoadVector256(s + 3 * ss);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        u0.GetLower().Store(d); u0.GetUpper().Store(d + 4 * ds);
        u1.GetLower().Store(d + ds); u1.GetUpper().Store(d + 5 * ds);
        u2.GetLower().Store(d + 2 * ds); u2.GetUpper().Store(d + 6 * ds);
        u3.GetLower().Store(d + 3 * ds); u3.GetUpper().Store(d + 7 * ds);
    }
}
