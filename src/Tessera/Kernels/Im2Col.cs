using System.Runtime.Intrinsics;

namespace Tessera.Kernels;

/// <summary>
/// Convolution lowering (Chellapilla, Puri &amp; Simard 2006, "High performance convolutional neural networks for
/// document processing"): im2col copies every receptive field of one sample into a column, so the convolution
/// becomes one GEMM, W[out, C·taps] · cols[C·taps, positions]. Col2im is its adjoint (it sums overlapping
/// fields back), used by the input gradient, ConvTranspose and Fold.
/// Row r = c·taps + (kd·KH + kh)·KW + kw, column = (od·OH + oh)·OW + ow — torch.nn.Unfold's layout. Rows lie
/// <c>ld</c> floats apart (OutPlane by default), so the columns of several samples can sit side by side in one matrix
/// [C·taps, samples·OutPlane] and a convolution over a block of samples is still one GEMM.
/// </summary>
public static class Im2Col
{
    /// <summary>cols[C·taps, OutPlane] (row stride <paramref name="ld"/>, default OutPlane) = receptive fields of x[C, InPlane]; padded positions read 0.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> cols, in Window w, int ld = 0)
    {
        int inPlane = w.InPlane, outPlane = w.OutPlane, taps = w.Taps;
        if (ld == 0) ld = outPlane;
        if (x.Length < w.C * inPlane || ld < outPlane || cols.Length < (long)(w.C * taps - 1) * ld + outPlane)
            throw new ArgumentException($"Im2Col: buffers too short for C={w.C}, input plane {inPlane}, {taps} taps, output plane {outPlane}");
        if (w.KD == 1 && w.ID == 1 && w.OD == 1) { Forward2D(x, cols, w, ld); return; }
        for (int c = 0; c < w.C; c++)
        {
            var xc = x.Slice(c * inPlane, inPlane);
            for (int kd = 0; kd < w.KD; kd++)
                for (int kh = 0; kh < w.KH; kh++)
                    for (int kw = 0; kw < w.KW; kw++)
                    {
                        int row = c * taps + (kd * w.KH + kh) * w.KW + kw;
                        var dst = cols.Slice(row * ld, outPlane);
                        int offD = kd * w.DD - w.PD, offH = kh * w.DH - w.PH, offW = kw * w.DW - w.PW;
                        var (wLo, wHi) = Window.ValidRange(w.OW, w.IW, w.SW, offW);
                        for (int od = 0; od < w.OD; od++)
                        {
                            int id = od * w.SD + offD;
                            for (int oh = 0; oh < w.OH; oh++)
                            {
                                var drow = dst.Slice((od * w.OH + oh) * w.OW, w.OW);
                                int ih = oh * w.SH + offH;
                                if ((uint)id >= (uint)w.ID || (uint)ih >= (uint)w.IH || wLo >= wHi) { drow.Clear(); continue; }
                                var src = xc.Slice((id * w.IH + ih) * w.IW);
                                drow[..wLo].Clear();
                                drow[wHi..].Clear();
                                if (w.SW == 1) src.Slice(wLo + offW, wHi - wLo).CopyTo(drow[wLo..wHi]);
                                else for (int ow = wLo; ow < wHi; ow++) drow[ow] = src[ow * w.SW + offW];
                            }
                        }
                    }
        }
    }

    /// <summary>x[C, InPlane] += the columns of cols[C·taps, OutPlane] (row stride <paramref name="ld"/>, default OutPlane) summed back at their receptive fields (padding dropped).</summary>
    public static void Backward(ReadOnlySpan<float> cols, Span<float> x, in Window w, int ld = 0)
    {
        int inPlane = w.InPlane, outPlane = w.OutPlane, taps = w.Taps;
        if (ld == 0) ld = outPlane;
        if (x.Length < w.C * inPlane || ld < outPlane || cols.Length < (long)(w.C * taps - 1) * ld + outPlane)
            throw new ArgumentException($"Col2Im: buffers too short for C={w.C}, input plane {inPlane}, {taps} taps, output plane {outPlane}");
        if (w.KD == 1 && w.ID == 1 && w.OD == 1) { Backward2D(cols, x, w, ld); return; }
        for (int c = 0; c < w.C; c++)
        {
            var xc = x.Slice(c * inPlane, inPlane);
            for (int kd = 0; kd < w.KD; kd++)
                for (int kh = 0; kh < w.KH; kh++)
                    for (int kw = 0; kw < w.KW; kw++)
                    {
                        int row = c * taps + (kd * w.KH + kh) * w.KW + kw;
                        var src = cols.Slice(row * ld, outPlane);
                        int offD = kd * w.DD - w.PD, offH = kh * w.DH - w.PH, offW = kw * w.DW - w.PW;
                        var (wLo, wHi) = Window.ValidRange(w.OW, w.IW, w.SW, offW);
                        if (wLo >= wHi) continue;
                        for (int od = 0; od < w.OD; od++)
                        {
                            int id = od * w.SD + offD;
                            if ((uint)id >= (uint)w.ID) continue;
                            for (int oh = 0; oh < w.OH; oh++)
                            {
                                int ih = oh * w.SH + offH;
                                if ((uint)ih >= (uint)w.IH) continue;
                                var srow = src.Slice((od * w.OH + oh) * w.OW, w.OW);
                                var dst = xc.Slice((id * w.IH + ih) * w.IW);
                                if (w.SW == 1)
                                {
                                    Vec.Add(srow[wLo..wHi], dst.Slice(wLo + offW, wHi - wLo));
                                }
                                else for (int ow = wLo; ow < wHi; ow++) dst[ow * w.SW + offW] += srow[ow];
                            }
                        }
                    }
        }
    }

    // The 1-d and 2-d cases, which are nearly every convolution, with pointers: rows of a small plane (LeNet's 28 wide,
    // ResNet's 2 to 32) are so short that span slicing and per-row calls cost more than the copies themselves.
    // The rows above and below the valid window (vertical padding) are contiguous in a column row and cleared at once.

    private static unsafe void Forward2D(ReadOnlySpan<float> xs, Span<float> colss, in Window w, int ld)
    {
        int oh_ = w.OH, ow_ = w.OW, ih_ = w.IH, iw_ = w.IW, sh = w.SH, sw = w.SW, inPlane = ih_ * iw_;
        fixed (float* x = xs, cols = colss)
        {
            float* dst = cols;
            for (int c = 0; c < w.C; c++)
                for (int kh = 0; kh < w.KH; kh++)
                {
                    int offH = kh * w.DH - w.PH;
                    var (hLo, hHi) = Window.ValidRange(oh_, ih_, sh, offH);
                    for (int kw = 0; kw < w.KW; kw++, dst += ld)
                    {
                        int offW = kw * w.DW - w.PW;
                        var (wLo, wHi) = Window.ValidRange(ow_, iw_, sw, offW);
                        if (hLo >= hHi || wLo >= wHi) { new Span<float>(dst, oh_ * ow_).Clear(); continue; }
                        new Span<float>(dst, hLo * ow_).Clear();
                        new Span<float>(dst + hHi * ow_, (oh_ - hHi) * ow_).Clear();
                        float* xc = x + c * inPlane + offW;
                        for (int oh = hLo; oh < hHi; oh++)
                        {
                            float* d = dst + oh * ow_, src = xc + (oh * sh + offH) * iw_;
                            for (int o = 0; o < wLo; o++) d[o] = 0;
                            if (sw == 1) Copy(src + wLo, d + wLo, wHi - wLo);
                            else for (int o = wLo; o < wHi; o++) d[o] = src[o * sw];
                            for (int o = wHi; o < ow_; o++) d[o] = 0;
                        }
                    }
                }
        }
    }

    private static unsafe void Backward2D(ReadOnlySpan<float> colss, Span<float> xs, in Window w, int ld)
    {
        int ow_ = w.OW, ih_ = w.IH, iw_ = w.IW, sh = w.SH, sw = w.SW, inPlane = ih_ * iw_;
        fixed (float* x = xs, cols = colss)
        {
            float* src = cols;
            for (int c = 0; c < w.C; c++)
                for (int kh = 0; kh < w.KH; kh++)
                {
                    int offH = kh * w.DH - w.PH;
                    var (hLo, hHi) = Window.ValidRange(w.OH, ih_, sh, offH);
                    for (int kw = 0; kw < w.KW; kw++, src += ld)
                    {
                        int offW = kw * w.DW - w.PW;
                        var (wLo, wHi) = Window.ValidRange(ow_, iw_, sw, offW);
                        if (wLo >= wHi) continue;
                        float* xc = x + c * inPlane + offW;
                        for (int oh = hLo; oh < hHi; oh++)
                        {
                            float* s = src + oh * ow_, d = xc + (oh * sh + offH) * iw_;
                            if (sw == 1) AddTo(s + wLo, d + wLo, wHi - wLo);
                            else for (int o = wLo; o < wHi; o++) d[o * sw] += s[o];
                        }
                    }
                }
        }
    }

    private static unsafe void Copy(float* src, float* dst, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) Vector256.Store(Vector256.Load(src + i), dst + i);
        for (; i < n; i++) dst[i] = src[i];
    }

    private static unsafe void AddTo(float* src, float* dst, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) Vector256.Store(Vector256.Load(dst + i) + Vector256.Load(src + i), dst + i);
        for (; i < n; i++) dst[i] += src[i];
    }
}
