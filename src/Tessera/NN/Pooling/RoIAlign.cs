namespace Tessera.NN;

/// <summary>
/// Region-of-interest align (He et al. 2017, Mask R-CNN; torchvision.ops.RoIAlign): like <see cref="RoIPool"/> but
/// without rounding — each bin averages bilinear samples on a regular grid (sampling_ratio per side, or adaptive when
/// ≤ 0), which keeps masks aligned with the pixels. aligned = true shifts boxes by half a pixel. Inputs x [N, C, H, W]
/// and rois [K, 5] (no gradient); output [K, C, PH, PW].
/// </summary>
public sealed class RoIAlign(Size2 outputSize, float spatialScale, int samplingRatio = -1, bool aligned = false) : Module
{
    public Size2 OutputSize { get; } = outputSize;
    public float SpatialScale { get; } = spatialScale;
    public int SamplingRatio { get; } = samplingRatio;
    public bool Aligned { get; } = aligned;

    public Tensor Forward(Tensor x, Tensor rois) => F.RoiAlign(x, rois, OutputSize, SpatialScale, SamplingRatio, Aligned);
    public override string ExtraRepr() => $"output_size={OutputSize}, spatial_scale={SpatialScale}, sampling_ratio={SamplingRatio}, aligned={Aligned}";
}
