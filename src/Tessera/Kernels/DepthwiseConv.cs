using System.Runtime.Intrinsics;

namespace Tessera.Kernels;

/// <summary>
/// Direct depthwise convolution (groups = input channels, MobileNet's depthwise layer; Howard et al. 2017): output
/// channel c·M + m filters input channel c alone. Lowered to im2col + GEMM each group would be a tiny M×taps
/// matrix product, so here every tap is one scaled row add (stride 1 runs as a SIMD multiply-add over the row, <see cref="Vec"/>).
/// One sample; x [C, InPlane], weight [C·M, taps], y [C·M, OutPlane].
/// </summary>
public static class DepthwiseConv
{
    /// <summary>y += depthwise conv of x (y holds zeros or the bias on entry).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> y, in Window w, int multiplier)
    {
        if (w.KD == 1 && w.ID == 1 && w.OD == 1) { Plane2D(x, y, weight, w, multiplier, Mode.Forward); return; }
        int taps = w.Taps, inPlane = w.InPlane, outPlane = w.OutPlane;
        for (int o = 0; o < w.C * multiplier; o++)
        {
            var xc = x.Slice(o / multiplier * inPlane, inPlane);
            var yo = y.Slice(o * outPlane, outPlane);
            for (int t = 0; t < taps; t++)
            {
                float wv = weight[o * taps + t];
                Tap(w, t, out int offD, out int offH, out int offW, out int lo, out int hi);
                if (lo >= hi) continue;
                for (int od = 0; od < w.OD; od++)
                {
                    int id = od * w.SD + offD;
                    if ((uint)id >= (uint)w.ID) continue;
                    for (int oh = 0; oh < w.OH; oh++)
                    {
                        int ih = oh * w.SH + offH;
                        if ((uint)ih >= (uint)w.IH) continue;
                        var yr = yo.Slice((od * w.OH + oh) * w.OW + lo, hi - lo);
                        var xr = xc.Slice((id * w.IH + ih) * w.IW);
                        if (w.SW == 1) Vec.Axpy(wv, xr.Slice(lo + offW, hi - lo), yr);
                        else for (int j = 0; j < yr.Length; j++) yr[j] += wv * xr[(lo + j) * w.SW + offW];
                    }
                }
            }
        }
    }

    /// <summary>dx += the input gradient of the depthwise conv for output gradient dy.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx, in Window w, int multiplier)
    {
        if (w.KD == 1 && w.ID == 1 && w.OD == 1) { Plane2D(dy, dx, weight, w, multiplier, Mode.BackwardInput); return; }
        int taps = w.Taps, inPlane = w.InPlane, outPlane = w.OutPlane;
        for (int o = 0; o < w.C * multiplier; o++)
        {
            var dxc = dx.Slice(o / multiplier * inPlane, inPlane);
            var dyo = dy.Slice(o * outPlane, outPlane);
            for (int t = 0; t < taps; t++)
            {
                float wv = weight[o * taps + t];
                Tap(w, t, out int offD, out int offH, out int offW, out int lo, out int hi);
                if (lo >= hi) continue;
                for (int od = 0; od < w.OD; od++)
                {
                    int id = od * w.SD + offD;
                    if ((uint)id >= (uint)w.ID) continue;
                    for (int oh = 0; oh < w.OH; oh++)
                    {
                        int ih = oh * w.SH + offH;
                        if ((uint)ih >= (uint)w.IH) continue;
                        var gr = dyo.Slice((od * w.OH + oh) * w.OW + lo, hi - lo);
                        var xr = dxc.Slice((id * w.IH + ih) * w.IW);
                        if (w.SW == 1) Vec.Axpy(wv, gr, xr.Slice(lo + offW, hi - lo));
                        else for (int j = 0; j < gr.Length; j++) xr[(lo + j) * w.SW + offW] += wv * gr[j];
                    }
                }
            }
        }
    }

    /// <summary>dweight += the weight gradient: Σ over positions of dy · the input each tap read.</summary>
    public static void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dweight, in Window w, int multiplier)
    {
        if (w.KD == 1 && w.ID == 1 && w.OD == 1) { WeightGrad2D(dy, x, dweight, w, multiplier); return; }
        int taps = w.Taps, inPlane = w.InPlane, outPlane = w.OutPlane;
        for (int o = 0; o < w.C * multiplier; o++)
        {
            var xc = x.Slice(o / multiplier * inPlane, inPlane);
            var dyo = dy.Slice(o * outPlane, outPlane);
            for (int t = 0; t < taps; t++)
            {
                Tap(w, t, out int offD, out int offH, out int offW, out int lo, out int hi);
                if (lo >= hi) continue;
                double acc = 0;
                for (int od = 0; od < w.OD; od++)
                {
                    int id = od * w.SD + offD;
                    if ((uint)id >= (uint)w.ID) continue;
                    for (int oh = 0; oh < w.OH; oh++)
                    {
                        int ih = oh * w.SH + offH;
                        if ((uint)ih >= (uint)w.IH) continue;
                        var gr = dyo.Slice((od * w.OH + oh) * w.OW + lo, hi - lo);
                        var xr = xc.Slice((id * w.IH + ih) * w.IW);
                        if (w.SW == 1) acc += Vec.Dot(gr, xr.Slice(lo + offW, hi - lo));
                        else for (int j = 0; j < gr.Length; j++) acc += gr[j] * xr[(lo + j) * w.SW + offW];
                    }
                }
                dweight[o * taps + t] += (float)acc;
            }
        }
    }

    /// <summary>Input offsets of tap t along each dim, and the range of output columns whose read lies inside the row.</summary>
    private static void Tap(in Window w, int t, out int offD, out int offH, out int offW, out int lo, out int hi)
    {
        int kw = t % w.KW, kh = t / w.KW % w.KH, kd = t / (w.KW * w.KH);
        offD = kd * w.DD - w.PD; offH = kh * w.DH - w.PH; offW = kw * w.DW - w.PW;
        (lo, hi) = Window.ValidRange(w.OW, w.IW, w.SW, offW);
    }

    // The 1-d and 2-d cases with pointers, tap by tap and row by row: the rows of a small plane (32 wide in MobileNet
    // blocks at 32×32) are only a few vectors, so span slicing and a call per row would cost more than the arithmetic.

    private enum Mode { Forward, BackwardInput }

    /// <summary>
    /// Forward (src = x, dst = y): y[o] += Σ_taps w · x[o / M] shifted; BackwardInput (src = dy, dst = dx):
    /// dx[o / M] += Σ_taps w · dy[o] shifted back.
    /// </summary>
    private static unsafe void Plane2D(ReadOnlySpan<float> src, Span<float> dst, ReadOnlySpan<float> weight, in Window w, int multiplier, Mode mode)
    {
        int oh_ = w.OH, ow_ = w.OW, ih_ = w.IH, iw_ = w.IW, sh = w.SH, sw = w.SW, inPlane = ih_ * iw_, outPlane = oh_ * ow_, taps = w.Taps;
        fixed (float* ps = src, pd = dst, wt = weight)
            for (int o = 0; o < w.C * multiplier; o++)
            {
                float* x = mode == Mode.Forward ? ps : pd, y = mode == Mode.Forward ? pd : ps;
                float* xc = x + o / multiplier * inPlane, yo = y + o * outPlane;
                for (int kh = 0; kh < w.KH; kh++)
                {
                    int offH = kh * w.DH - w.PH;
                    var (hLo, hHi) = Window.ValidRange(oh_, ih_, sh, offH);
                    for (int kw = 0; kw < w.KW; kw++)
                    {
                        int offW = kw * w.DW - w.PW;
                        var (lo, hi) = Window.ValidRange(ow_, iw_, sw, offW);
                        if (lo >= hi) continue;
                        float wv = wt[o * taps + kh * w.KW + kw];
                        for (int oh = hLo; oh < hHi; oh++)
                        {
                            float* yr = yo + oh * ow_, xr = xc + (oh * sh + offH) * iw_ + offW;
                            if (sw == 1)
                            {
                                if (mode == Mode.Forward) Axpy(wv, xr + lo, yr + lo, hi - lo);
                                else Axpy(wv, yr + lo, xr + lo, hi - lo);
                            }
                            else if (mode == Mode.Forward) for (int j = lo; j < hi; j++) yr[j] += wv * xr[j * sw];
                            else for (int j = lo; j < hi; j++) xr[j * sw] += wv * yr[j];
                        }
                    }
                }
            }
    }

    private static unsafe void WeightGrad2D(ReadOnlySpan<float> dys, ReadOnlySpan<float> xs, Span<float> dweight, in Window w, int multiplier)
    {
        int oh_ = w.OH, ow_ = w.OW, ih_ = w.IH, iw_ = w.IW, sh = w.SH, sw = w.SW, inPlane = ih_ * iw_, outPlane = oh_ * ow_, taps = w.Taps;
        fixed (float* x = xs, dy = dys, dwt = dweight)
            for (int o = 0; o < w.C * multiplier; o++)
            {
                float* xc = x + o / multiplier * inPlane, dyo = dy + o * outPlane;
                for (int kh = 0; kh < w.KH; kh++)
                {
                    int offH = kh * w.DH - w.PH;
                    var (hLo, hHi) = Window.ValidRange(oh_, ih_, sh, offH);
                    for (int kw = 0; kw < w.KW; kw++)
                    {
                        int offW = kw * w.DW - w.PW;
                        var (lo, hi) = Window.ValidRange(ow_, iw_, sw, offW);
                        if (lo >= hi) continue;
                        double acc = 0;
                        for (int oh = hLo; oh < hHi; oh++)
                        {
                            float* gr = dyo + oh * ow_, xr = xc + (oh * sh + offH) * iw_ + offW;
                            if (sw == 1) acc += Dot(gr + lo, xr + lo, hi - lo);
                            else for (int j = lo; j < hi; j++) acc += gr[j] * xr[j * sw];
                        }
                        dwt[o * taps + kh * w.KW + kw] += (float)acc;
                    }
                }
            }
    }

    private static unsafe void Axpy(float a, float* x, float* y, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 8; i += 8) Vector256.Store(Vector256.FusedMultiplyAdd(va, Vector256.Load(x + i), Vector256.Load(y + i)), y + i);
        }
        for (; i < n; i++) y[i] = MathF.FusedMultiplyAdd(a, x[i], y[i]);
    }

    private static unsafe float Dot(float* a, float* b, int n)
    {
        int i = 0;
        float s = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8) acc = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc);
            s = Vector256.Sum(acc);
        }
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }
}
