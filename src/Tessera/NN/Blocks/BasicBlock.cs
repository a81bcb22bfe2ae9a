namespace Tessera.NN;

/// <summary>
/// ResNet basic block (He et al. 2016), torchvision.models.resnet.BasicBlock (state-dict names match ResNet-18/34's
/// <c>layerK.i.*</c>): h = relu(bn1(conv3x3_s(x))); h = bn2(conv3x3(h)); y = relu(h + shortcut), where the shortcut is
/// x, or downsample.1(downsample.0(x)) with a strided 1×1 projection when the shape changes.
/// Input [N, inplanes, H, W], output [N, planes, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1]. expansion = 1.
/// </summary>
public sealed class BasicBlock : Module
{
    public const int Expansion = 1;
    public int Inplanes { get; }
    public int Planes { get; }
    public int Stride { get; }
    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Conv2d Conv2 { get; }
    public BatchNorm2d Bn2 { get; }
    /// <summary>The projection shortcut (1×1 conv, stride, then batch norm), or null for the identity.</summary>
    public Sequential? Downsample { get; }

    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Output channels (of both 3×3 convs).</param>
    /// <param name="stride">Stride of conv1 and of the projection shortcut.</param>
    /// <param name="downsample">Use a projection shortcut (needed when stride ≠ 1 or inplanes ≠ planes).</param>
    /// <param name="groups">Must be 1 (as torchvision's BasicBlock).</param>
    /// <param name="baseWidth">Must be 64.</param>
    /// <param name="dilation">Must be 1.</param>
    public BasicBlock(int inplanes, int planes, int stride = 1, bool downsample = false, int groups = 1, int baseWidth = 64, int dilation = 1)
    {
        if (groups != 1 || baseWidth != 64) throw new ArgumentException($"BasicBlock only supports groups=1 and base_width=64, got groups={groups}, base_width={baseWidth}");
        if (dilation != 1) throw new ArgumentException($"BasicBlock does not support dilation > 1, got dilation={dilation}");
        if (inplanes <= 0 || planes <= 0 || stride <= 0) throw new ArgumentException($"BasicBlock: inplanes ({inplanes}), planes ({planes}) and stride ({stride}) must be positive");
        if (!downsample && (stride != 1 || inplanes != planes))
            throw new ArgumentException($"BasicBlock(inplanes={inplanes}, planes={planes}, stride={stride}): the identity shortcut needs stride 1 and inplanes == planes; pass downsample: true");
        (Inplanes, Planes, Stride) = (inplanes, planes, stride);
        Conv1 = RegisterModule("conv1", BlockLayers.Conv3x3(inplanes, planes, stride));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        Conv2 = RegisterModule("conv2", BlockLayers.Conv3x3(planes, planes));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        if (downsample)
            Downsample = RegisterModule("downsample", new Sequential(BlockLayers.Conv1x1(inplanes, planes * Expansion, stride), new BatchNorm2d(planes * Expansion)));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "inplanes", Inplanes, x);
        var h = F.Relu(Bn1.Forward(Conv1.Forward(x)));
        h = Bn2.Forward(Conv2.Forward(h));
        var identity = Downsample == null ? x : Downsample.Forward(x);
        return F.Relu(F.Add(h, identity));
    }

    public override string ExtraRepr() => $"inplanes={Inplanes}, planes={Planes}, stride={Stride}";
}
