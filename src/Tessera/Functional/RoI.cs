using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// torchvision.ops.roi_pool (Fast R-CNN): the max over each of PH×PW bins of every region, with torchvision's integer
    /// rounding. x [N, C, H, W], rois [K, 5] (batch index, x1, y1, x2, y2; no gradient) → [K, C, PH, PW].
    /// </summary>
    public static Tensor RoiPool(Tensor x, Tensor rois, Size2 outputSize, float spatialScale)
    {
        const string op = "RoIPool";
        var (n, c, h, w, k) = CheckRois(x, rois, outputSize, op);
        int ph = outputSize.H, pw = outputSize.W;
        var y = BufferPool.RentZeroed(k * c * ph * pw); var argmax = new int[y.Length];
        var r = rois.F32!;
        RoI.PoolForward(x.F32!, r, k, c, h, w, ph, pw, spatialScale, y, argmax);
        return Record("roi_pool", new Tensor([k, c, ph, pw], y), g =>
        {
            var dx = BufferPool.RentZeroed(x.Numel);
            RoI.PoolBackward(g.F32!, r, argmax, k, c, h * w, ph * pw, dx);
            return [new Tensor(x.Shape, dx), null];
        }, x, rois);
    }

    /// <summary>
    /// torchvision.ops.roi_align (Mask R-CNN): the average of bilinear samples on a regular grid in each bin, no
    /// rounding. <paramref name="samplingRatio"/> ≤ 0 picks ceil(roi size / bins) points per bin; <paramref name="aligned"/>
    /// shifts by half a pixel so pixel centres line up. x [N, C, H, W], rois [K, 5] (no gradient) → [K, C, PH, PW].
    /// </summary>
    public static Tensor RoiAlign(Tensor x, Tensor rois, Size2 outputSize, float spatialScale = 1f, int samplingRatio = -1, bool aligned = false)
    {
        const string op = "RoIAlign";
        var (n, c, h, w, k) = CheckRois(x, rois, outputSize, op);
        int bins = outputSize.H * outputSize.W, plane = h * w;
        var r = rois.F32!;
        var taps = new (int[] Index, float[] Weight)[k];
        for (int i = 0; i < k; i++) taps[i] = RoI.AlignTaps(r.AsSpan(i * 5, 5), h, w, outputSize.H, outputSize.W, spatialScale, samplingRatio, aligned);
        var y = BufferPool.RentZeroed(k * c * bins);
        var xv = x.F32!;
        Work.For(k * c, (long)k * c * bins * 4, kc =>
        {
            int roi = kc / c, ch = kc % c, b = (int)r[roi * 5];
            RoI.AlignForward(xv.AsSpan((b * c + ch) * plane, plane), y.AsSpan(kc * bins, bins), taps[roi].Index, taps[roi].Weight);
        });
        return Record("roi_align", new Tensor([k, c, outputSize.H, outputSize.W], y), g =>
        {
            var gv = g.F32!; var dx = BufferPool.RentZeroed(x.Numel);
            Work.For(c, (long)k * c * bins * 4, ch =>
            {
                for (int roi = 0; roi < k; roi++)
                {
                    int b = (int)r[roi * 5];
                    RoI.AlignBackward(gv.AsSpan((roi * c + ch) * bins, bins), dx.AsSpan((b * c + ch) * plane, plane), taps[roi].Index, taps[roi].Weight);
                }
            });
            return [new Tensor(x.Shape, dx), null];
        }, x, rois);
    }

    /// <summary>Checks x [N, C, H, W] and rois [K, 5] with integral batch indices in [0, N); returns (N, C, H, W, K).</summary>
    private static (int N, int C, int H, int W, int K) CheckRois(Tensor x, Tensor rois, Size2 outputSize, string op)
    {
        RequireFloat(x, op); RequireFloat(rois, op, "rois");
        if (x.Rank != 4) throw new ArgumentException($"{op}: input must be [N, C, H, W], got shape {ShapeUtil.Format(x.Dims)}");
        if (rois.Rank != 2 || rois.Dims[1] != 5) throw new ArgumentException($"{op}: rois must be [K, 5] rows (batch index, x1, y1, x2, y2), got shape {ShapeUtil.Format(rois.Dims)}");
        if (outputSize.H < 1 || outputSize.W < 1) throw new ArgumentException($"{op}: output_size must be positive, got {outputSize}");
        int n = x.Dims[0], k = rois.Dims[0];
        var r = rois.F32!;
        for (int i = 0; i < k; i++)
        {
            float b = r[i * 5];
            if (!(b >= 0 && b < n && b == MathF.Floor(b)))
                throw new ArgumentException($"{op}: rois[{i}] has batch index {b} but the input has {n} images (input shape {ShapeUtil.Format(x.Dims)}, rois shape {ShapeUtil.Format(rois.Dims)})");
        }
        return (n, x.Dims[1], x.Dims[2], x.Dims[3], k);
    }
}
