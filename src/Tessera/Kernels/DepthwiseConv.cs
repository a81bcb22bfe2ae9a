using System.Numerics.Tensors;

namespace Tessera.Kernels;

/// <summary>
/// Direct depthwise convolution (groups = input channels, MobileNet's depthwise layer; Howard et al. 2017): output
/// channel c·M + m filters input channel c alone. Lowered to im2col + GEMM each group would be a tiny M×taps
/// matrix product, so here every tap is one scaled row add (stride 1 runs as a SIMD multiply-add over the row).
/// One sample; x [C, InPlane], weight [C·M, taps], y [C·M, OutPlane].
/// </summary>
public static class DepthwiseConv
{
    /// <summary>y += depthwise conv of x (y holds zeros or the bias on entry).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, Span<float> y, in Window w, int multiplier)
    {
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
                        if (w.SW == 1) TensorPrimitives.MultiplyAdd(xr.Slice(lo + offW, hi - lo), wv, yr, yr);
                        else for (int j = 0; j < yr.Length; j++) yr[j] += wv * xr[(lo + j) * w.SW + offW];
                    }
                }
            }
        }
    }

    /// <summary>dx += the input gradient of the depthwise conv for output gradient dy.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx, in Window w, int multiplier)
    {
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
                        if (w.SW == 1) { var d = xr.Slice(lo + offW, hi - lo); TensorPrimitives.MultiplyAdd(gr, wv, d, d); }
                        else for (int j = 0; j < gr.Length; j++) xr[(lo + j) * w.SW + offW] += wv * gr[j];
                    }
                }
            }
        }
    }

    /// <summary>dweight += the weight gradient: Σ over positions of dy · the input each tap read.</summary>
    public static void BackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dweight, in Window w, int multiplier)
    {
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
                        if (w.SW == 1) acc += TensorPrimitives.Dot(gr, xr.Slice(lo + offW, hi - lo));
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
}
