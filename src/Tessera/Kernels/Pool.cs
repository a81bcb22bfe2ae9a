using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Kernels;

/// <summary>
/// Which inputs each output position of a pooling op reads along one dim: inputs First[o], First[o] + Step, …
/// (Count[o] of them, all inside the input), and the factor this dim contributes to an average's divisor.
/// Fixed windows (max/avg/LP pooling, with padding, dilation and ceil mode) and adaptive bins are both such tables,
/// so one pair of kernels serves every pooling op over 1 to 3 dims.
/// </summary>
public sealed class PoolAxis
{
    public required int In { get; init; }
    public required int[] First { get; init; }
    public required int[] Count { get; init; }
    public required int Step { get; init; }
    public required double[] Divisor { get; init; }
    public int Out => First.Length;

    /// <summary>True for windows of two adjacent inputs at stride 2 (kernel 2, stride 2, no padding or dilation): the common
    /// 2×2 max pool, which has a dedicated kernel.</summary>
    public bool IsPairs => _isPairs ??= Step == 1 && Enumerable.Range(0, First.Length).All(o => First[o] == 2 * o && Count[o] == 2);
    private bool? _isPairs;

    /// <summary>A dim of size 1 that is not pooled (to run 1-d and 2-d ops through the 3-d kernels).</summary>
    public static PoolAxis Unit { get; } = new() { In = 1, First = [0], Count = [1], Step = 1, Divisor = [1] };

    /// <summary>
    /// Windows start = o·s − p reading taps start + u·d (u &lt; k) that fall in [0, L). The divisor factor is AvgPool's
    /// (no dilation there): end = min(start + k, L + p), then end − start with <paramref name="countIncludePad"/>
    /// (padded zeros count, positions past the padding of a ceil-mode window do not), else the clipped count.
    /// </summary>
    public static PoolAxis Sliding(int length, int outSize, int kernel, int stride, int padding, int dilation, bool countIncludePad)
    {
        var first = new int[outSize]; var count = new int[outSize]; var div = new double[outSize];
        for (int o = 0; o < outSize; o++)
        {
            int start = o * stride - padding;
            int u0 = start < 0 ? (-start + dilation - 1) / dilation : 0;
            int last = length - 1 - start;
            int u1 = last < 0 ? 0 : Math.Min(kernel, last / dilation + 1);
            first[o] = start + u0 * dilation;
            count[o] = Math.Max(0, u1 - u0);
            int end = Math.Min(start + kernel, length + padding);
            div[o] = countIncludePad ? end - start : Math.Min(end, length) - Math.Max(start, 0);
        }
        return new PoolAxis { In = length, First = first, Count = count, Step = dilation, Divisor = div };
    }

    /// <summary>Adaptive bins: output i covers [floor(i·L/O), ceil((i+1)·L/O)); bins may overlap, and O &gt; L repeats inputs.</summary>
    public static PoolAxis Adaptive(int length, int outSize)
    {
        var first = new int[outSize]; var count = new int[outSize]; var div = new double[outSize];
        for (int o = 0; o < outSize; o++)
        {
            int start = (int)((long)o * length / outSize);
            int end = (int)(((long)(o + 1) * length + outSize - 1) / outSize);
            first[o] = start; count[o] = end - start; div[o] = end - start;
        }
        return new PoolAxis { In = length, First = first, Count = count, Step = 1, Divisor = div };
    }
}

/// <summary>Max and average pooling of one channel plane [D, H, W] over the windows of three <see cref="PoolAxis"/> tables.</summary>
public static class Pool
{
    /// <summary>
    /// 2×2 windows at stride 2 over a plane [H, W]: each output reads two adjacent inputs of two adjacent rows, in row-major
    /// order, so the first maximum wins ties and a NaN wins, as in the general kernel and PyTorch.
    /// </summary>
    public static unsafe void Max2x2(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int hIn, int wIn, int hOut, int wOut)
    {
        if (x.Length < hIn * wIn || hIn < 2 * hOut || wIn < 2 * wOut || y.Length < hOut * wOut || argmax.Length < hOut * wOut)
            throw new ArgumentException($"Pool.Max2x2: a {hIn}×{wIn} plane does not give {hOut}×{wOut} outputs in the buffers given");
        fixed (float* xp = x, yp = y)
        fixed (int* ap = argmax)
            for (int oh = 0; oh < hOut; oh++)
            {
                int r0 = 2 * oh * wIn, r1 = r0 + wIn, o = oh * wOut, ow = 0;
                // Eight outputs at a time, branch-free: the even and odd columns of both rows are the four candidates.
                if (Avx2.IsSupported && wOut >= 8)
                    for (; ow < wOut; ow += 8, o += 8)
                    {
                        // The last group of a row overlaps the one before it (recomputing the same values), so no row
                        // of 8 or more outputs ends in scalar code (LeNet's 14-wide rows: 6 of 14 were scalar).
                        if (ow + 8 > wOut) { o -= ow - (wOut - 8); ow = wOut - 8; }
                        var (a, b) = Vec.EvenOdd(xp + r0 + 2 * ow);
                        var (c, d) = Vec.EvenOdd(xp + r1 + 2 * ow);
                        var i0 = Vector256.Create(r0 + 2 * ow) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
                        var best = a; var bi = i0;
                        Take(ref best, ref bi, b, i0 + Vector256<int>.One);
                        var i2 = i0 + Vector256.Create(wIn);
                        Take(ref best, ref bi, c, i2);
                        Take(ref best, ref bi, d, i2 + Vector256<int>.One);
                        best.Store(yp + o); bi.Store(ap + o);
                    }
                for (; ow < wOut; ow++, o++)   // the rest (all of a row narrower than 8, as LeNet's 5), branch-free too
                {
                    int i0 = r0 + 2 * ow, i2 = r1 + 2 * ow;
                    float best = xp[i0]; int bi = i0;
                    Take(ref best, ref bi, xp[i0 + 1], i0 + 1);
                    Take(ref best, ref bi, xp[i2], i2);
                    Take(ref best, ref bi, xp[i2 + 1], i2 + 1);
                    yp[o] = best; ap[o] = bi;
                }
            }
    }

    /// <summary>One value of <see cref="Take(ref Vector256{float}, ref Vector256{int}, Vector256{float}, Vector256{int})"/>: non-short-circuit tests and selects, which the JIT turns into conditional moves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref float best, ref int index, float v, int vIndex)
    {
        bool take = (v > best) | (float.IsNaN(v) & !float.IsNaN(best));
        best = take ? v : best;
        index = take ? vIndex : index;
    }

    /// <summary>Where v beats best (greater, or NaN over a number: NaN wins as in PyTorch), take v and its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector256<float> best, ref Vector256<int> index, Vector256<float> v, Vector256<int> vIndex)
    {
        var vNaN = Vector256.Equals(v, v) ^ Vector256<float>.AllBitsSet;
        var bestNaN = Vector256.Equals(best, best) ^ Vector256<float>.AllBitsSet;
        var take = Vector256.GreaterThan(v, best) | (vNaN & ~bestNaN);
        best = Vector256.ConditionalSelect(take, v, best);
        index = Vector256.ConditionalSelect(take.AsInt32(), vIndex, index);
    }

    /// <summary>
    /// y = the max over each window, argmax = the plane index it came from (−1 for a window with no input). NaN wins,
    /// as in PyTorch. Padding never wins: it acts as −∞. With an empty <paramref name="argmax"/> (inference) only the
    /// values are found, by a branch-free Math.Max that propagates NaN, where the argmax search mispredicts a branch on
    /// every other element.
    /// </summary>
    public static void Max(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, PoolAxis d, PoolAxis h, PoolAxis w)
    {
        bool indices = !argmax.IsEmpty;
        if (indices && d.In == 1 && d.Out == 1 && h.IsPairs && w.IsPairs) { Max2x2(x, y, argmax, h.In, w.In, h.Out, w.Out); return; }
        // Locals, not fields: the stores to y and argmax would otherwise make the JIT reload every table.
        int[] dFirst = d.First, dCount = d.Count, hFirst = h.First, hCount = h.Count, wFirst = w.First, wCount = w.Count;
        int dStep = d.Step, hStep = h.Step, wStep = w.Step, hIn = h.In, wIn = w.In, dOut = d.Out, hOut = h.Out, wOut = w.Out, o = 0;
        for (int od = 0; od < dOut; od++)
            for (int oh = 0; oh < hOut; oh++)
                for (int ow = 0; ow < wOut; ow++, o++)
                {
                    // The index starts at the window's first input, so an all −∞ window still points at an input.
                    int d0 = dFirst[od], dn = dCount[od], h0 = hFirst[oh], hn = hCount[oh], w0 = wFirst[ow], wn = wCount[ow];
                    float best = float.NegativeInfinity;
                    if (!indices)
                    {
                        for (int a = 0, id = d0; a < dn; a++, id += dStep)
                            for (int b = 0, ih = h0; b < hn; b++, ih += hStep)
                                for (int c = 0, at = (id * hIn + ih) * wIn + w0; c < wn; c++, at += wStep)
                                    best = Math.Max(best, x[at]);
                        y[o] = best;
                        continue;
                    }
                    int bi = dn > 0 && hn > 0 && wn > 0 ? (d0 * hIn + h0) * wIn + w0 : -1;
                    float check = 0;   // NaN if any input is (or if +∞ and −∞ meet: a harmless rescan)
                    for (int a = 0, id = d0; a < dn; a++, id += dStep)
                        for (int b = 0, ih = h0; b < hn; b++, ih += hStep)
                        {
                            int row = (id * hIn + ih) * wIn + w0;
                            for (int c = 0; c < wn; c++)
                            {
                                int at = row + c * wStep;
                                float v = x[at];
                                if (v > best) { best = v; bi = at; }
                                check += v;
                            }
                        }
                    // PyTorch lets a NaN take the place too (so NaN propagates, at the last NaN's index); kept off the
                    // hot loop, where the extra test would cost a third of the time.
                    if (float.IsNaN(check))
                        for (int a = 0, id = d0; a < dn; a++, id += dStep)
                            for (int b = 0, ih = h0; b < hn; b++, ih += hStep)
                                for (int c = 0, at = (id * hIn + ih) * wIn + w0; c < wn; c++, at += wStep)
                                    if (float.IsNaN(x[at])) { best = x[at]; bi = at; }
                    y[o] = best; argmax[o] = bi;
                }
    }

    /// <summary>dx[argmax[o]] += dy[o]: the whole gradient of a window goes to its maximum.</summary>
    public static void MaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx)
    {
        for (int o = 0; o < dy.Length; o++) if (argmax[o] >= 0) dx[argmax[o]] += dy[o];
    }

    /// <summary>y = Σ window / divisor, with the divisor the product of the dims' factors, or <paramref name="divisorOverride"/> when given.</summary>
    public static void Avg(ReadOnlySpan<float> x, Span<float> y, PoolAxis d, PoolAxis h, PoolAxis w, double? divisorOverride = null)
    {
        int o = 0;
        bool fixedDivisor = divisorOverride.HasValue;
        double div = divisorOverride ?? 0;
        for (int od = 0; od < d.Out; od++)
            for (int oh = 0; oh < h.Out; oh++)
                for (int ow = 0; ow < w.Out; ow++, o++)
                {
                    double s = 0;
                    for (int a = 0, id = d.First[od]; a < d.Count[od]; a++, id += d.Step)
                        for (int b = 0, ih = h.First[oh]; b < h.Count[oh]; b++, ih += h.Step)
                        {
                            int row = (id * h.In + ih) * w.In;
                            if (w.Step == 1) s += Vec.Sum(x.Slice(row + w.First[ow], w.Count[ow]));
                            else for (int c = 0, iw = w.First[ow]; c < w.Count[ow]; c++, iw += w.Step) s += x[row + iw];
                        }
                    y[o] = (float)(s / (fixedDivisor ? div : d.Divisor[od] * h.Divisor[oh] * w.Divisor[ow]));
                }
    }

    /// <summary>dx += dy / divisor spread over each window: the adjoint of <see cref="Avg"/>.</summary>
    public static void AvgBackward(ReadOnlySpan<float> dy, Span<float> dx, PoolAxis d, PoolAxis h, PoolAxis w, double? divisorOverride = null)
    {
        int o = 0;
        bool fixedDivisor = divisorOverride.HasValue;
        double div = divisorOverride ?? 0;
        for (int od = 0; od < d.Out; od++)
            for (int oh = 0; oh < h.Out; oh++)
                for (int ow = 0; ow < w.Out; ow++, o++)
                {
                    float g = (float)(dy[o] / (fixedDivisor ? div : d.Divisor[od] * h.Divisor[oh] * w.Divisor[ow]));
                    for (int a = 0, id = d.First[od]; a < d.Count[od]; a++, id += d.Step)
                        for (int b = 0, ih = h.First[oh]; b < h.Count[oh]; b++, ih += h.Step)
                        {
                            int row = (id * h.In + ih) * w.In;
                            if (w.Step == 1) Vec.AddScalar(g, dx.Slice(row + w.First[ow], w.Count[ow]));
                            else for (int c = 0, iw = w.First[ow]; c < w.Count[ow]; c++, iw += w.Step) dx[row + iw] += g;
                        }
                }
    }
}
