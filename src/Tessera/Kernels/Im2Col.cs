using System.Numerics.Tensors;

namespace Tessera.Kernels;

/// <summary>
/// Convolution lowering (Chellapilla, Puri &amp; Simard 2006, "High performance convolutional neural networks for
/// document processing"): im2col copies every receptive field of one sample into a column, so the convolution
/// becomes one GEMM, W[out, C·taps] · cols[C·taps, positions]. Col2im is its adjoint (it sums overlapping
/// fields back), used by the input gradient, ConvTranspose and Fold.
/// Row r = c·taps + (kd·KH + kh)·KW + kw, column = (od·OH + oh)·OW + ow — torch.nn.Unfold's layout.
/// </summary>
public static class Im2Col
{
    /// <summary>cols[C·taps, OutPlane] = receptive fields of x[C, InPlane]; padded positions read 0.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> cols, in Window w)
    {
        int inPlane = w.InPlane, outPlane = w.OutPlane, taps = w.Taps;
        if (x.Length < w.C * inPlane || cols.Length < w.C * taps * outPlane)
            throw new ArgumentException($"Im2Col: buffers too short for C={w.C}, input plane {inPlane}, {taps} taps, output plane {outPlane}");
        for (int c = 0; c < w.C; c++)
        {
            var xc = x.Slice(c * inPlane, inPlane);
            for (int kd = 0; kd < w.KD; kd++)
                for (int kh = 0; kh < w.KH; kh++)
                    for (int kw = 0; kw < w.KW; kw++)
                    {
                        int row = c * taps + (kd * w.KH + kh) * w.KW + kw;
                        var dst = cols.Slice(row * outPlane, outPlane);
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

    /// <summary>x[C, InPlane] += the columns of cols[C·taps, OutPlane] summed back at their receptive fields (padding dropped).</summary>
    public static void Backward(ReadOnlySpan<float> cols, Span<float> x, in Window w)
    {
        int inPlane = w.InPlane, outPlane = w.OutPlane, taps = w.Taps;
        if (x.Length < w.C * inPlane || cols.Length < w.C * taps * outPlane)
            throw new ArgumentException($"Col2Im: buffers too short for C={w.C}, input plane {inPlane}, {taps} taps, output plane {outPlane}");
        for (int c = 0; c < w.C; c++)
        {
            var xc = x.Slice(c * inPlane, inPlane);
            for (int kd = 0; kd < w.KD; kd++)
                for (int kh = 0; kh < w.KH; kh++)
                    for (int kw = 0; kw < w.KW; kw++)
                    {
                        int row = c * taps + (kd * w.KH + kh) * w.KW + kw;
                        var src = cols.Slice(row * outPlane, outPlane);
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
                                    var d = dst.Slice(wLo + offW, wHi - wLo);
                                    TensorPrimitives.Add(d, srow[wLo..wHi], d);
                                }
                                else for (int ow = wLo; ow < wHi; ow++) dst[ow * w.SW + offW] += srow[ow];
                            }
                        }
                    }
        }
    }
}
