namespace Tessera.NN;

/// <summary>
/// Region-of-interest max pooling (Girshick 2015, Fast R-CNN; torchvision.ops.RoIPool): each box, scaled onto the
/// feature map and rounded to whole cells, is split into PH×PW bins and each bin max-pooled, so boxes of any size
/// give a fixed-size feature. Inputs x [N, C, H, W] and rois [K, 5] rows (batch index, x1, y1, x2, y2) in image
/// coordinates (no gradient); output [K, C, PH, PW].
/// </summary>
public sealed class RoIPool(Size2 outputSize, float spatialScale) : Module
{
    public Size2 OutputSize { get; } = outputSize;
    public float SpatialScale { get; } = spatialScale;

    public Tensor Forward(Tensor x, Tensor rois) => F.RoiPool(x, rois, OutputSize, SpatialScale);
    public override string ExtraRepr() => $"output_size={OutputSize}, spatial_scale={SpatialScale}";
}
