using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels;

/// <summary>
/// 3×3 stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin &amp; Gray 2016, "Fast Algorithms for
/// Convolutional Neural Networks"): each 2×2 block of outputs is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for its 4×4 input tile d,
/// so summed over channels the 16 element-wise products become 16 GEMMs U_ξ[out, in] · V_ξ[in, tiles] (V and the
/// products stored [channel, ξ, tiles], so a channel's 16 transformed rows sit together) with 16
/// multiply-adds per tile and channel pair instead of 36: 2.25× fewer than im2col + GEMM. The rounding error grows by
/// a small constant (the transforms only add, subtract and halve), far inside float32 conformance tolerances.
/// Used for the forward pass and the input gradient (a 3×3 convolution of dy with the flipped, transposed kernel). Not for
/// the weight gradient: there the transformed sums run over every position of the batch, and the larger transformed
/// terms cost ~10× the rounding error of im2col + GEMM, outside the float32 conformance tolerance on small gradients.
/// Layouts: x [N, Cin, IH, IW], y [N, Cout, OH, OW], weight [Cout, Cin, 3, 3].
/// </summary>
public static class Winograd
{
    /// <summary>Tiles transformed and multiplied at once: V (16·Cin·tiles floats) and the products stay within L2.</summary>
    internal const int TileBlock = 256;

    /// <summary>Fewest 2×2 output tiles per sample (a 16×16 plane) for which the 16 GEMMs are wide enough to beat im2col + GEMM.</summary>
    internal const int MinTiles = 64;

    /// <summary>
    /// True for a plain 3×3 stride-1 undilated 2-d convolution with padding at most 2, enough channels that the GEMMs, not
    /// the transforms, dominate (16 or more in and out), and a plane of at least <see cref="MinTiles"/> tiles (ResNet's
    /// 4×4 and 2×2 stages stay on im2col, where per-sample GEMMs of 4 or 1 tiles would be matrix-vector products).
    /// </summary>
    public static bool Applies(in Window w, int groups, int outChannels) =>
        groups == 1 && w.KD == 1 && w.ID == 1 && w.OD == 1 && w.KH == 3 && w.KW == 3 && w.SH == 1 && w.SW == 1 && w.DH == 1 && w.DW == 1
        && w.PH <= 2 && w.PW <= 2 && w.C >= 16 && outChannels >= 16
        && (long)((w.OH + 1) / 2) * ((w.OW + 1) / 2) >= MinTiles && (long)((w.IH + 1) / 2) * ((w.IW + 1) / 2) >= MinTiles;

    /// <summary>
    /// U[ξ, o, c] = (G g Gᵀ)[ξ] with g = weight[o, c] (or, for <paramref name="adjoint"/>, g = weight[c, o] rotated by 180°:
    /// the kernel of the input gradient), G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]].
    /// </summary>
    internal static void TransformWeights(ReadOnlySpan<float> weight, int outChannels, int inChannels, bool adjoint, Span<float> u)
    {
        if (u.Length < 16 * outChannels * inChannels || weight.Length < 9 * outChannels * inChannels)
            throw new ArgumentException("Winograd.TransformWeights: buffers too short for the channel counts given");
        Span<float> g = stackalloc float[9];
        Span<float> t = stackalloc float[12];
        for (int o = 0; o < outChannels; o++)
            for (int c = 0; c < inChannels; c++)
            {
                if (!adjoint) weight.Slice((o * inChannels + c) * 9, 9).CopyTo(g);
                else for (int i = 0; i < 9; i++) g[i] = weight[(c * outChannels + o) * 9 + 8 - i];
                for (int j = 0; j < 3; j++)   // t = G g (4×3)
                {
                    float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
                    t[j] = g0; t[3 + j] = 0.5f * (g0 + g1 + g2); t[6 + j] = 0.5f * (g0 - g1 + g2); t[9 + j] = g2;
                }
                for (int i = 0; i < 4; i++)   // U = t Gᵀ (4×4)
                {
                    float t0 = t[3 * i], t1 = t[3 * i + 1], t2 = t[3 * i + 2];
                    int at = (o * inChannels + c), stride = outChannels * inChannels;
                    u[(4 * i + 0) * stride + at] = t0;
                    u[(4 * i + 1) * stride + at] = 0.5f * (t0 + t1 + t2);
                    u[(4 * i + 2) * stride + at] = 0.5f * (t0 - t1 + t2);
                    u[(4 * i + 3) * stride + at] = t2;
                }
            }
    }

    /// <summary>
    /// y[n, o, i, j] = bias[o] + Σ_{c,u,v} g[o, c, u, v] · x[n, c, i + u − padH, j + v − padW] (zero outside x), g the
    /// 3×3 kernel <paramref name="weight"/> [out, in, 3, 3], or for <paramref name="adjoint"/> the flipped, transposed
    /// kernel of weight [in, out, 3, 3] (the input gradient). Samples run in parallel for large batches.
    /// </summary>
    public static void Convolve(float[] x, int inChannels, int ih, int iw, float[] weight, bool adjoint, float[]? bias, float[] y, int outChannels, int oh, int ow,
        int padH, int padW, int batch)
    {
        int tilesH = (oh + 1) / 2, tilesW = (ow + 1) / 2, tiles = tilesH * tilesW;
        long work = (long)batch * outChannels * inChannels * tiles * 16;
        if (x.Length < (long)batch * inChannels * ih * iw || y.Length < (long)batch * outChannels * oh * ow)
            throw new ArgumentException("Winograd.Convolve: buffers too short for the shapes given");
        var u = ArrayPool<float>.Shared.Rent(16 * outChannels * inChannels);
        TransformWeights(weight, outChannels, inChannels, adjoint, u);
        // Small planes put several samples' tiles side by side (V [C, 16, samples·tiles]), so the 16 GEMMs stay wide;
        // large ones split a sample's tiles into blocks.
        int perBlock = Math.Clamp(TileBlock / tiles, 1, batch), blocks = (batch + perBlock - 1) / perBlock;
        Work.For(blocks, work, b =>
        {
            int n0 = b * perBlock, samples = Math.Min(perBlock, batch - n0);
            int width = samples > 1 ? samples * tiles : Math.Min(TileBlock, tiles);
            var v = ArrayPool<float>.Shared.Rent(16 * inChannels * width);
            var m = ArrayPool<float>.Shared.Rent(16 * outChannels * width);
            for (int t0 = 0; t0 < tiles; t0 += width)
            {
                int tb = samples > 1 ? tiles : Math.Min(width, tiles - t0), ld = samples * tb;
                for (int i = 0; i < samples; i++)
                    InputTransform(x.AsSpan((n0 + i) * inChannels * ih * iw, inChannels * ih * iw), inChannels, ih, iw, padH, padW, tilesW, t0, tb, v, ld, i * tb);
                for (int xi = 0; xi < 16; xi++)
                    Gemm.Multiply(false, false, outChannels, ld, inChannels, 1f, u.AsSpan(xi * outChannels * inChannels), inChannels,
                        v.AsSpan(xi * ld), 16 * ld, 0f, m.AsSpan(xi * ld), 16 * ld);
                for (int i = 0; i < samples; i++)
                    OutputTransform(m, outChannels, tb, t0, tilesW, bias, y.AsSpan((n0 + i) * outChannels * oh * ow, outChannels * oh * ow), oh, ow, ld, i * tb);
            }
            ArrayPool<float>.Shared.Return(v);
            ArrayPool<float>.Shared.Return(m);
        });
        ArrayPool<float>.Shared.Return(u);
    }

    /// <summary>
    /// V[c, ξ, col0 + t − t0] (rows <paramref name="ld"/> long) = (Bᵀ d B)[ξ] for the 4×4 input tile d of tiles t0 … t0+tb−1, Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]].
    /// Eight tiles of a tile row at a time: each input row is first split into its even and odd columns (zero-padded), so
    /// the 16 values of eight neighbouring tiles are 16 contiguous vector loads and V is written in whole vectors.
    /// </summary>
    private static unsafe void InputTransform(ReadOnlySpan<float> x, int channels, int ih, int iw, int padH, int padW, int tilesW, int t0, int tb, Span<float> v,
        int ld, int col0)
    {
        int plane = ih * iw, stride = ld, n = tilesW + 1;   // V is [C, 16, ld]: a channel's 16 rows are written together
        int thFirst = t0 / tilesW, thLast = (t0 + tb - 1) / tilesW;
        var split = ArrayPool<float>.Shared.Rent(8 * n);   // rows r = 0..3: even columns at 2r·n, odd at (2r + 1)·n
        // One input row with its padding as zeros and slack for a last 16-wide read: rows split into even and odd columns
        // whole vectors at a time, with no bounds tests (the zeros are written once; rows only overwrite the middle).
        int padded = Math.Max(iw + 2 * padW, 2 * n) + 16;
        var rowBuf = ArrayPool<float>.Shared.Rent(padded);
        Array.Clear(rowBuf, 0, padded);
        float* d = stackalloc float[16];
        fixed (float* xp = x, vp = v, sp = split, pr = rowBuf)
        {
            for (int c = 0; c < channels; c++)
            {
                float* xc = xp + c * plane, vc = vp + c * 16 * ld + col0;
                for (int th = thFirst; th <= thLast; th++)
                {
                    int twStart = th == thFirst ? t0 - th * tilesW : 0, twEnd = th == thLast ? t0 + tb - th * tilesW : tilesW;
                    for (int r = 0; r < 4; r++)
                    {
                        float* even = sp + 2 * r * n, odd = even + n;
                        int rr = 2 * th - padH + r;
                        if ((uint)rr >= (uint)ih) { new Span<float>(even, 2 * n).Clear(); continue; }
                        Buffer.MemoryCopy(xc + rr * iw, pr + padW, (long)iw * sizeof(float), (long)iw * sizeof(float));
                        int j = twStart;
                        if (Avx2.IsSupported)
                            for (; j + 8 <= twEnd + 1; j += 8)
                            {
                                var (e, o) = Vec.EvenOdd(pr + 2 * j);
                                e.Store(even + j); o.Store(odd + j);
                            }
                        for (; j <= twEnd; j++) { even[j] = pr[2 * j]; odd[j] = pr[2 * j + 1]; }
                    }
                    float* vt = vc + th * tilesW - t0;   // V column of tile (th, tw) is at vt + tw
                    int tw = twStart;
                    if (Vector256.IsHardwareAccelerated)
                        for (; tw + 8 <= twEnd; tw += 8)
                        {
                            // a = Bᵀ d, column by column (q): rows of d are the four input rows.
                            Vector256<float> a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33;
                            {
                                var d00 = Vector256.Load(sp + tw); var d01 = Vector256.Load(sp + n + tw); var d02 = Vector256.Load(sp + tw + 1); var d03 = Vector256.Load(sp + n + tw + 1);
                                var d10 = Vector256.Load(sp + 2 * n + tw); var d11 = Vector256.Load(sp + 3 * n + tw); var d12 = Vector256.Load(sp + 2 * n + tw + 1); var d13 = Vector256.Load(sp + 3 * n + tw + 1);
                                var d20 = Vector256.Load(sp + 4 * n + tw); var d21 = Vector256.Load(sp + 5 * n + tw); var d22 = Vector256.Load(sp + 4 * n + tw + 1); var d23 = Vector256.Load(sp + 5 * n + tw + 1);
                                var d30 = Vector256.Load(sp + 6 * n + tw); var d31 = Vector256.Load(sp + 7 * n + tw); var d32 = Vector256.Load(sp + 6 * n + tw + 1); var d33 = Vector256.Load(sp + 7 * n + tw + 1);
                                a00 = d00 - d20; a01 = d01 - d21; a02 = d02 - d22; a03 = d03 - d23;
                                a10 = d10 + d20; a11 = d11 + d21; a12 = d12 + d22; a13 = d13 + d23;
                                a20 = d20 - d10; a21 = d21 - d11; a22 = d22 - d12; a23 = d23 - d13;
                                a30 = d10 - d30; a31 = d11 - d31; a32 = d12 - d32; a33 = d13 - d33;
                            }
                            float* o = vt + tw;
                            Row(a00, a01, a02, a03, o, stride, 0); Row(a10, a11, a12, a13, o, stride, 1);
                            Row(a20, a21, a22, a23, o, stride, 2); Row(a30, a31, a32, a33, o, stride, 3);
                        }
                    for (; tw < twEnd; tw++)
                    {
                        for (int r = 0; r < 4; r++)
                        {
                            float* even = sp + 2 * r * n, odd = even + n;
                            d[4 * r] = even[tw]; d[4 * r + 1] = odd[tw]; d[4 * r + 2] = even[tw + 1]; d[4 * r + 3] = odd[tw + 1];
                        }
                        for (int q = 0; q < 4; q++)
                        {
                            float b0 = d[q] - d[8 + q], b1 = d[4 + q] + d[8 + q], b2 = d[8 + q] - d[4 + q], b3 = d[4 + q] - d[12 + q];
                            d[q] = b0; d[4 + q] = b1; d[8 + q] = b2; d[12 + q] = b3;
                        }
                        float* o = vt + tw;
                        for (int r = 0; r < 4; r++)
                        {
                            float e0 = d[4 * r], e1 = d[4 * r + 1], e2 = d[4 * r + 2], e3 = d[4 * r + 3];
                            o[(4 * r + 0) * stride] = e0 - e2; o[(4 * r + 1) * stride] = e1 + e2;
                            o[(4 * r + 2) * stride] = e2 - e1; o[(4 * r + 3) * stride] = e1 - e3;
                        }
                    }
                }
            }
        }
        ArrayPool<float>.Shared.Return(split);
        ArrayPool<float>.Shared.Return(rowBuf);
    }

    /// <summary>Row r of (Bᵀ d) B: V[4r + q'] for the row a0 … a3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Row(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3, float* o, int stride, int r)
    {
        (a0 - a2).Store(o + (4 * r + 0) * stride);
        (a1 + a2).Store(o + (4 * r + 1) * stride);
        (a2 - a1).Store(o + (4 * r + 2) * stride);
        (a1 - a3).Store(o + (4 * r + 3) * stride);
    }

    /// <summary>
    /// y's 2×2 block of tile t = Aᵀ M_t A (+ bias), M_t at column col0 + t − t0 of rows <paramref name="ld"/> long, cropped at the bottom and right edges, Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]];
    /// eight tiles of a tile row at a time, their two output columns interleaved back into the rows of y.
    /// </summary>
    private static unsafe void OutputTransform(ReadOnlySpan<float> m, int channels, int tb, int t0, int tilesW, float[]? bias, Span<float> y, int oh, int ow,
        int ld, int col0)
    {
        int stride = ld, plane = oh * ow;   // M is [Cout, 16, ld]
        int thFirst = t0 / tilesW, thLast = (t0 + tb - 1) / tilesW;
        float* tmp = stackalloc float[32];
        fixed (float* mp = m, yp = y)
        {
            for (int o = 0; o < channels; o++)
            {
                float b = bias?[o] ?? 0f;
                var vb = Vector256.Create(b);
                float* mo = mp + o * 16 * ld + col0, yo = yp + o * plane;
                for (int th = thFirst; th <= thLast; th++)
                {
                    int twStart = th == thFirst ? t0 - th * tilesW : 0, twEnd = th == thLast ? t0 + tb - th * tilesW : tilesW;
                    float* mt = mo + th * tilesW - t0;
                    int r = 2 * th;
                    bool twoRows = r + 1 < oh;
                    int tw = twStart;
                    if (Vector256.IsHardwareAccelerated)
                        for (; tw + 8 <= twEnd; tw += 8)
                        {
                            float* q = mt + tw;
                            Vector256<float> s00, s01, s02, s03, s10, s11, s12, s13;
                            {
                                var m0 = Vector256.Load(q); var m1 = Vector256.Load(q + stride); var m2 = Vector256.Load(q + 2 * stride); var m3 = Vector256.Load(q + 3 * stride);
                                var m4 = Vector256.Load(q + 4 * stride); var m5 = Vector256.Load(q + 5 * stride); var m6 = Vector256.Load(q + 6 * stride); var m7 = Vector256.Load(q + 7 * stride);
                                var m8 = Vector256.Load(q + 8 * stride); var m9 = Vector256.Load(q + 9 * stride); var m10 = Vector256.Load(q + 10 * stride); var m11 = Vector256.Load(q + 11 * stride);
                                var m12 = Vector256.Load(q + 12 * stride); var m13 = Vector256.Load(q + 13 * stride); var m14 = Vector256.Load(q + 14 * stride); var m15 = Vector256.Load(q + 15 * stride);
                                s00 = m0 + m4 + m8; s01 = m1 + m5 + m9; s02 = m2 + m6 + m10; s03 = m3 + m7 + m11;
                                s10 = m4 - m8 - m12; s11 = m5 - m9 - m13; s12 = m6 - m10 - m14; s13 = m7 - m11 - m15;
                            }
                            var y00 = s00 + s01 + s02 + vb; var y01 = s01 - s02 - s03 + vb;
                            var y10 = s10 + s11 + s12 + vb; var y11 = s11 - s12 - s13 + vb;
                            int c = 2 * tw;
                            if (c + 16 <= ow)
                            {
                                Interleave(y00, y01, yo + r * ow + c);
                                if (twoRows) Interleave(y10, y11, yo + (r + 1) * ow + c);
                            }
                            else
                            {
                                y00.Store(tmp); y01.Store(tmp + 8); y10.Store(tmp + 16); y11.Store(tmp + 24);
                                for (int k = 0; k < 8; k++)
                                {
                                    int cc = c + 2 * k;
                                    yo[r * ow + cc] = tmp[k];
                                    if (cc + 1 < ow) yo[r * ow + cc + 1] = tmp[8 + k];
                                    if (!twoRows) continue;
                                    yo[(r + 1) * ow + cc] = tmp[16 + k];
                                    if (cc + 1 < ow) yo[(r + 1) * ow + cc + 1] = tmp[24 + k];
                                }
                            }
                        }
                    for (; tw < twEnd; tw++)
                    {
                        float* q = mt + tw;
                        float s00 = q[0] + q[4 * stride] + q[8 * stride], s01 = q[stride] + q[5 * stride] + q[9 * stride];
                        float s02 = q[2 * stride] + q[6 * stride] + q[10 * stride], s03 = q[3 * stride] + q[7 * stride] + q[11 * stride];
                        float s10 = q[4 * stride] - q[8 * stride] - q[12 * stride], s11 = q[5 * stride] - q[9 * stride] - q[13 * stride];
                        float s12 = q[6 * stride] - q[10 * stride] - q[14 * stride], s13 = q[7 * stride] - q[11 * stride] - q[15 * stride];
                        int c = 2 * tw;
                        yo[r * ow + c] = s00 + s01 + s02 + b;
                        if (c + 1 < ow) yo[r * ow + c + 1] = s01 - s02 - s03 + b;
                        if (!twoRows) continue;
                        yo[(r + 1) * ow + c] = s10 + s11 + s12 + b;
                        if (c + 1 < ow) yo[(r + 1) * ow + c + 1] = s11 - s12 - s13 + b;
                    }
                }
            }
        }
    }

    /// <summary>dst[0..16) = a0 b0 a1 b1 … a7 b7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Interleave(Vector256<float> a, Vector256<float> b, float* dst)
    {
        if (Avx.IsSupported)
        {
            var lo = Avx.UnpackLow(a, b);    // a0 b0 a1 b1 | a4 b4 a5 b5
            var hi = Avx.UnpackHigh(a, b);   // a2 b2 a3 b3 | a6 b6 a7 b7
            Avx.Permute2x128(lo, hi, 0x20).Store(dst);
            Avx.Permute2x128(lo, hi, 0x31).Store(dst + 8);
            return;
        }
        for (int k = 0; k < 8; k++) { dst[2 * k] = a.GetElement(k); dst[2 * k + 1] = b.GetElement(k); }
    }
}
