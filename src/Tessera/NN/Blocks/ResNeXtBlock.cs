namespace Tessera.NN;

/// <summary>
/// ResNeXt block (Xie et al. 2017, "Aggregated Residual Transformations"): a <see cref="Bottleneck"/> whose 3×3 conv
/// is split into <c>cardinality</c> groups of <c>baseWidth·planes/64</c> channels each — many parallel thin paths,
/// aggregated by the following 1×1 conv. torchvision's resnext50_32x4d is cardinality 32, base width 4;
/// wide_resnet50_2 is cardinality 1, base width 128. Names, shapes and formula are Bottleneck's.
/// </summary>
public sealed class ResNeXtBlock(int inplanes, int planes, int stride = 1, bool downsample = false, int cardinality = 32, int baseWidth = 4, int dilation = 1)
    : Bottleneck(inplanes, planes, stride, downsample, cardinality, baseWidth, dilation);
