namespace Tessera.NN;

/// <summary>
/// ResNet bottleneck block, torchvision's "ResNet v1.5" (stride on the 3×3 conv), torchvision.models.resnet.Bottleneck
/// (names match ResNet-50/101/152): h = relu(bn1(conv1x1(x))); h = relu(bn2(conv3x3_s(h))); h = bn3(conv1x1(h));
/// y = relu(h + shortcut). The 3×3 conv has <c>groups</c> and <c>dilation</c> (ResNeXt, dilated ResNets);
/// width = ⌊planes·base_width/64⌋·groups. Input [N, inplanes, H, W], output [N, 4·planes, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1].
/// </summary>
public class Bottleneck : Module
{
    public const int Expansion = 4;
    public int Inplanes { get; }
    public int Planes { get; }
    public int Stride { get; }
    public int Groups { get; }
    public int Width { get; }
    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Conv2d Conv2 { get; }
    public BatchNorm2d Bn2 { get; }
    public Conv2d Conv3 { get; }
    public BatchNorm2d Bn3 { get; }
    /// <summary>The projection shortcut (1×1 conv, stride, then batch norm), or null for the identity.</summary>
    public Sequential? Downsample { get; }

    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Output channels ÷ 4 (the expansion).</param>
    /// <param name="stride">Stride of the 3×3 conv and of the projection shortcut.</param>
    /// <param name="downsample">Use a projection shortcut (needed when stride ≠ 1 or inplanes ≠ 4·planes).</param>
    /// <param name="groups">Groups of the 3×3 conv (ResNeXt's cardinality).</param>
    /// <param name="baseWidth">Width per group at planes = 64.</param>
    /// <param name="dilation">Dilation (and padding) of the 3×3 conv.</param>
    public Bottleneck(int inplanes, int planes, int stride = 1, bool downsample = false, int groups = 1, int baseWidth = 64, int dilation = 1)
    {
        if (inplanes <= 0 || planes <= 0 || stride <= 0 || groups <= 0 || baseWidth <= 0 || dilation <= 0)
            throw new ArgumentException($"{Name}: inplanes ({inplanes}), planes ({planes}), stride ({stride}), groups ({groups}), base_width ({baseWidth}) and dilation ({dilation}) must be positive");
        // Python's int(planes * (base_width / 64.0)) truncates, then the groups multiply.
        int width = (int)(planes * (baseWidth / 64.0)) * groups;
        if (width == 0) throw new ArgumentException($"{Name}(planes={planes}, base_width={baseWidth}, groups={groups}): the bottleneck width int(planes·base_width/64)·groups is 0");
        int outPlanes = planes * Expansion;
        if (!downsample && (stride != 1 || inplanes != outPlanes))
            throw new ArgumentException($"{Name}(inplanes={inplanes}, planes={planes}, stride={stride}): the identity shortcut needs stride 1 and inplanes == 4·planes ({outPlanes}); pass downsample: true");
        (Inplanes, Planes, Stride, Groups, Width) = (inplanes, planes, stride, groups, width);
        Conv1 = RegisterModule("conv1", BlockLayers.Conv1x1(inplanes, width));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(width));
        Conv2 = RegisterModule("conv2", BlockLayers.Conv3x3(width, width, stride, groups, dilation));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(width));
        Conv3 = RegisterModule("conv3", BlockLayers.Conv1x1(width, outPlanes));
        Bn3 = RegisterModule("bn3", new BatchNorm2d(outPlanes));
        if (downsample)
            Downsample = RegisterModule("downsample", new Sequential(BlockLayers.Conv1x1(inplanes, outPlanes, stride), new BatchNorm2d(outPlanes)));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "inplanes", Inplanes, x);
        var h = F.Relu(Bn1.Forward(Conv1.Forward(x)));
        h = F.Relu(Bn2.Forward(Conv2.Forward(h)));
        h = Bn3.Forward(Conv3.Forward(h));
        var identity = Downsample == null ? x : Downsample.Forward(x);
        return F.Relu(F.Add(h, identity));
    }

    public override string ExtraRepr() => $"inplanes={Inplanes}, planes={Planes}, stride={Stride}, width={Width}" + (Groups != 1 ? $", groups={Groups}" : "");
}
