namespace Tessera.NN;

/// <summary>
/// MobileNet v2 inverted residual with a linear bottleneck (Sandler et al. 2018),
/// torchvision.models.mobilenetv2.InvertedResidual (names match): expand with a 1×1 conv → BN → ReLU6 (skipped when
/// expand_ratio = 1), 3×3 depthwise conv (stride) → BN → ReLU6, project with a 1×1 conv → BN and no activation;
/// y = x + h when stride 1 and inp == oup, else h. hidden = round(inp·expand_ratio).
/// Input [N, inp, H, W], output [N, oup, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1].
/// </summary>
public sealed class MobileNetV2InvertedResidual : Module
{
    public int Inp { get; }
    public int Oup { get; }
    public int Stride { get; }
    public int Hidden { get; }
    public bool UseResConnect { get; }
    public Sequential Conv { get; }

    public MobileNetV2InvertedResidual(int inp, int oup, int stride, double expandRatio)
    {
        if (stride != 1 && stride != 2) throw new ArgumentException($"MobileNetV2InvertedResidual: stride should be 1 or 2, got {stride}");
        int hidden = (int)Math.Round(inp * expandRatio, MidpointRounding.ToEven); // Python's round
        if (inp <= 0 || oup <= 0 || hidden <= 0) throw new ArgumentException($"MobileNetV2InvertedResidual: inp ({inp}), oup ({oup}) and hidden = round(inp·expand_ratio) ({hidden}) must be positive");
        (Inp, Oup, Stride, Hidden, UseResConnect) = (inp, oup, stride, hidden, stride == 1 && inp == oup);
        Conv = RegisterModule("conv", new Sequential());
        // torchvision's Conv2dNormActivation is Sequential(conv, bn, act): names conv.i.0 / conv.i.1.
        if (expandRatio != 1) Conv.Add(new Sequential(BlockLayers.Conv1x1(inp, hidden), new BatchNorm2d(hidden), new ReLU6()));
        Conv.Add(new Sequential(BlockLayers.Depthwise3x3(hidden, stride), new BatchNorm2d(hidden), new ReLU6()));
        Conv.Add(BlockLayers.Conv1x1(hidden, oup));
        Conv.Add(new BatchNorm2d(oup));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "inp", Inp, x);
        var h = Conv.Forward(x);
        return UseResConnect ? F.Add(x, h) : h;
    }

    public override string ExtraRepr() => $"inp={Inp}, oup={Oup}, stride={Stride}, hidden={Hidden}";
}
