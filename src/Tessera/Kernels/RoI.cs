namespace Tessera.Kernels;

/// <summary>
/// Region-of-interest pooling with torchvision's exact arithmetic. x [N, C, H, W]; rois [K, 5] rows
/// (batch index, x1, y1, x2, y2) in image coordinates, scaled by spatial_scale onto the feature map;
/// y [K, C, PH, PW]. The forward runs one (roi, channel) pair per task, the backward one channel per task
/// (distinct channels never write the same gradient element).
/// </summary>
public static class RoI
{
    /// <summary>
    /// RoIPool (Girshick 2015, Fast R-CNN): corners rounded half away from zero, roi size max(e − s + 1, 1),
    /// bin (i, j) = rows [floor(i·rh/PH), ceil((i+1)·rh/PH)) + start clamped to [0, H) (columns likewise), y = its max,
    /// or 0 for an empty bin. In float32, as torchvision computes it. argmax holds the plane index of each max (−1: empty).
    /// </summary>
    public static void PoolForward(float[] x, float[] rois, int roiCount, int channels, int height, int width, int ph, int pw, float scale, float[] y, int[] argmax)
    {
        int plane = height * width, bins = ph * pw;
        Work.For(roiCount * channels, (long)roiCount * channels * bins * 4, kc =>
        {
            int k = kc / channels, c = kc % channels;
            int b = (int)rois[k * 5];
            int sw = (int)MathF.Round(rois[k * 5 + 1] * scale, MidpointRounding.AwayFromZero);
            int sh = (int)MathF.Round(rois[k * 5 + 2] * scale, MidpointRounding.AwayFromZero);
            int ew = (int)MathF.Round(rois[k * 5 + 3] * scale, MidpointRounding.AwayFromZero);
            int eh = (int)MathF.Round(rois[k * 5 + 4] * scale, MidpointRounding.AwayFromZero);
            float binH = Math.Max(eh - sh + 1, 1) / (float)ph, binW = Math.Max(ew - sw + 1, 1) / (float)pw;
            var src = x.AsSpan((b * channels + c) * plane, plane);
            int o = kc * bins;
            for (int i = 0; i < ph; i++)
            {
                int hs = Math.Clamp((int)MathF.Floor(i * binH) + sh, 0, height), he = Math.Clamp((int)MathF.Ceiling((i + 1) * binH) + sh, 0, height);
                for (int j = 0; j < pw; j++, o++)
                {
                    int ws = Math.Clamp((int)MathF.Floor(j * binW) + sw, 0, width), we = Math.Clamp((int)MathF.Ceiling((j + 1) * binW) + sw, 0, width);
                    bool empty = he <= hs || we <= ws;
                    float best = empty ? 0 : float.MinValue; int bi = -1;
                    for (int r = hs; r < he; r++)
                        for (int q = ws; q < we; q++)
                            if (src[r * width + q] > best) { best = src[r * width + q]; bi = r * width + q; }
                    y[o] = best; argmax[o] = bi;
                }
            }
        });
    }

    /// <summary>dx[b, c, argmax] += dy for every non-empty bin.</summary>
    public static void PoolBackward(float[] dy, float[] rois, int[] argmax, int roiCount, int channels, int plane, int bins, float[] dx)
    {
        Work.For(channels, (long)roiCount * channels * bins, c =>
        {
            for (int k = 0; k < roiCount; k++)
            {
                int b = (int)rois[k * 5], o = (k * channels + c) * bins;
                for (int t = 0; t < bins; t++)
                    if (argmax[o + t] >= 0) dx[(b * channels + c) * plane + argmax[o + t]] += dy[o + t];
            }
        });
    }

    /// <summary>
    /// The bilinear taps of every RoIAlign sample point of one roi (He et al. 2017, Mask R-CNN), per catalog/conv.md:
    /// a (gh × gw)-point grid in each bin (gh = sampling_ratio, or ceil(rh/PH) when it is ≤ 0), each point a bilinear
    /// read clamped at the border and 0 beyond [−1, H] × [−1, W]; the bin averages its points. Returns, for
    /// bin·points·4 + corner, the plane index and the weight already divided by the point count.
    /// </summary>
    public static (int[] Index, float[] Weight) AlignTaps(ReadOnlySpan<float> roi, int height, int width, int ph, int pw, double scale, int samplingRatio, bool aligned)
    {
        double off = aligned ? 0.5 : 0;
        double sw = roi[1] * scale - off, sh = roi[2] * scale - off;
        double rw = roi[3] * scale - off - sw, rh = roi[4] * scale - off - sh;
        if (!aligned) { rw = Math.Max(rw, 1); rh = Math.Max(rh, 1); }
        double binH = rh / ph, binW = rw / pw;
        int gh = samplingRatio > 0 ? samplingRatio : (int)Math.Ceiling(rh / ph);
        int gw = samplingRatio > 0 ? samplingRatio : (int)Math.Ceiling(rw / pw);
        int points = gh * gw;
        double count = Math.Max(points, 1);
        var index = new int[ph * pw * points * 4]; var weight = new float[index.Length];
        int t = 0;
        for (int i = 0; i < ph; i++)
            for (int j = 0; j < pw; j++)
                for (int iy = 0; iy < gh; iy++)
                {
                    double yy = sh + i * binH + (iy + 0.5) * binH / gh;
                    for (int ix = 0; ix < gw; ix++, t += 4)
                    {
                        double xx = sw + j * binW + (ix + 0.5) * binW / gw;
                        if (yy < -1 || yy > height || xx < -1 || xx > width) continue;   // weights stay 0
                        double y = Math.Max(yy, 0), x = Math.Max(xx, 0);
                        int y0 = (int)y, x0 = (int)x, y1, x1;
                        if (y0 >= height - 1) { y0 = y1 = height - 1; y = y0; } else y1 = y0 + 1;
                        if (x0 >= width - 1) { x0 = x1 = width - 1; x = x0; } else x1 = x0 + 1;
                        double ly = y - y0, lx = x - x0;
                        index[t] = y0 * width + x0; weight[t] = (float)((1 - ly) * (1 - lx) / count);
                        index[t + 1] = y0 * width + x1; weight[t + 1] = (float)((1 - ly) * lx / count);
                        index[t + 2] = y1 * width + x0; weight[t + 2] = (float)(ly * (1 - lx) / count);
                        index[t + 3] = y1 * width + x1; weight[t + 3] = (float)(ly * lx / count);
                    }
                }
        return (index, weight);
    }

    /// <summary>y[bin] = Σ over the bin's taps of weight · plane[index], for one roi and channel.</summary>
    public static void AlignForward(ReadOnlySpan<float> plane, Span<float> y, ReadOnlySpan<int> index, ReadOnlySpan<float> weight)
    {
        int per = index.Length / Math.Max(1, y.Length);
        for (int bin = 0; bin < y.Length; bin++)
        {
            double s = 0;
            for (int t = bin * per; t < (bin + 1) * per; t++) s += weight[t] * plane[index[t]];
            y[bin] = (float)s;
        }
    }

    /// <summary>plane[index] += weight · dy[bin]: the adjoint of <see cref="AlignForward"/>.</summary>
    public static void AlignBackward(ReadOnlySpan<float> dy, Span<float> plane, ReadOnlySpan<int> index, ReadOnlySpan<float> weight)
    {
        int per = index.Length / Math.Max(1, dy.Length);
        for (int bin = 0; bin < dy.Length; bin++)
            for (int t = bin * per; t < (bin + 1) * per; t++) plane[index[t]] += weight[t] * dy[bin];
    }
}
