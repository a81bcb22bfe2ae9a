namespace Tessera.Kernels;

/// <summary>
/// Deformable im2col (Dai et al. 2017, "Deformable convolutional networks", v1 with one offset group): tap t = i·kw + j of
/// output position p = a·OW + b reads the input at (a·sh − ph + i·dh + off[2t, p], b·sw − pw + j·dw + off[2t+1, p]) by
/// bilinear interpolation of the zero-extended image. The sample points depend only on (t, p), so they are computed
/// once per sample and reused for every channel. One sample at a time: x [C, H, W], offset [2·taps, P], cols [C·taps, P].
/// </summary>
public static class Deformable
{
    /// <summary>The bilinear reads of every (tap, position): top-left corner (y0, x0) and fractions (ly, lx).</summary>
    public sealed class Points
    {
        public required int[] Y0 { get; init; }
        public required int[] X0 { get; init; }
        public required float[] Ly { get; init; }
        public required float[] Lx { get; init; }
    }

    /// <summary>Sample points for one sample's offsets (taps·P of them). Coordinates are formed in float64, then split into corner and fraction.</summary>
    public static Points Locate(ReadOnlySpan<float> offset, in Window w)
    {
        int taps = w.Taps, p = w.OutPlane;
        var pts = new Points { Y0 = new int[taps * p], X0 = new int[taps * p], Ly = new float[taps * p], Lx = new float[taps * p] };
        for (int t = 0; t < taps; t++)
        {
            int i = t / w.KW, j = t % w.KW;
            for (int a = 0; a < w.OH; a++)
                for (int b = 0; b < w.OW; b++)
                {
                    int q = a * w.OW + b, s = t * p + q;
                    double y = a * w.SH - w.PH + i * w.DH + (double)offset[2 * t * p + q];
                    double x = b * w.SW - w.PW + j * w.DW + (double)offset[(2 * t + 1) * p + q];
                    double y0 = Math.Floor(y), x0 = Math.Floor(x);
                    // Far outside, every corner is outside too; clamp so the int conversion cannot overflow.
                    pts.Y0[s] = (int)Math.Clamp(y0, -2, w.IH + 1); pts.X0[s] = (int)Math.Clamp(x0, -2, w.IW + 1);
                    pts.Ly[s] = (float)(y - y0); pts.Lx[s] = (float)(x - x0);
                }
        }
        return pts;
    }

    /// <summary>cols[c·taps + t, p] = bil(x[c], point(t, p)); corners outside the map read 0.</summary>
    public static void Columns(ReadOnlySpan<float> x, Points pts, Span<float> cols, in Window w)
    {
        int taps = w.Taps, p = w.OutPlane, plane = w.IH * w.IW;
        for (int c = 0; c < w.C; c++)
        {
            var img = x.Slice(c * plane, plane);
            for (int s = 0; s < taps * p; s++)
            {
                int y0 = pts.Y0[s], x0 = pts.X0[s];
                float ly = pts.Ly[s], lx = pts.Lx[s];
                float v00 = At(img, y0, x0, w), v01 = At(img, y0, x0 + 1, w), v10 = At(img, y0 + 1, x0, w), v11 = At(img, y0 + 1, x0 + 1, w);
                cols[c * taps * p + s] = (1 - ly) * ((1 - lx) * v00 + lx * v01) + ly * ((1 - lx) * v10 + lx * v11);
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Columns"/> in both arguments: dx += the bilinear weights times dcols, and
    /// doffset[2t, p] += Σ_c dcols · ∂bil/∂y, doffset[2t+1, p] += Σ_c dcols · ∂bil/∂x.
    /// </summary>
    public static void ColumnsBackward(ReadOnlySpan<float> dcols, ReadOnlySpan<float> x, Points pts, Span<float> dx, Span<float> doffset, in Window w, bool wantX, bool wantOffset)
    {
        int taps = w.Taps, p = w.OutPlane, plane = w.IH * w.IW;
        for (int c = 0; c < w.C; c++)
        {
            var img = x.Slice(c * plane, plane);
            var dimg = wantX ? dx.Slice(c * plane, plane) : default;
            for (int t = 0; t < taps; t++)
                for (int q = 0; q < p; q++)
                {
                    int s = t * p + q;
                    float g = dcols[c * taps * p + s];
                    if (g == 0) continue;
                    int y0 = pts.Y0[s], x0 = pts.X0[s];
                    float ly = pts.Ly[s], lx = pts.Lx[s];
                    if (wantX)
                    {
                        Add(dimg, y0, x0, g * (1 - ly) * (1 - lx), w);
                        Add(dimg, y0, x0 + 1, g * (1 - ly) * lx, w);
                        Add(dimg, y0 + 1, x0, g * ly * (1 - lx), w);
                        Add(dimg, y0 + 1, x0 + 1, g * ly * lx, w);
                    }
                    if (wantOffset)
                    {
                        float v00 = At(img, y0, x0, w), v01 = At(img, y0, x0 + 1, w), v10 = At(img, y0 + 1, x0, w), v11 = At(img, y0 + 1, x0 + 1, w);
                        doffset[2 * t * p + q] += g * ((1 - lx) * (v10 - v00) + lx * (v11 - v01));
                        doffset[(2 * t + 1) * p + q] += g * ((1 - ly) * (v01 - v00) + ly * (v11 - v10));
                    }
                }
        }
    }

    private static float At(ReadOnlySpan<float> img, int y, int x, in Window w)
        => (uint)y < (uint)w.IH && (uint)x < (uint)w.IW ? img[y * w.IW + x] : 0f;

    private static void Add(Span<float> img, int y, int x, float v, in Window w)
    {
        if ((uint)y < (uint)w.IH && (uint)x < (uint)w.IW) img[y * w.IW + x] += v;
    }
}
