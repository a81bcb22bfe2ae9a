namespace Tessera.NN;

/// <summary>
/// Full pre-activation residual block (He et al. 2016, "Identity Mappings in Deep Residual Networks", Fig. 4e):
/// BN and ReLU come before each conv, and nothing follows the addition, so the identity path is clean.
/// a = relu(bn1(x)); y = conv2(relu(bn2(conv1_s(a)))) + s, with s = shortcut(a) (1×1, stride) when the shape
/// changes, else x. Input [N, inplanes, H, W], output [N, planes, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1].
/// </summary>
public sealed class PreActBlock : Module
{
    public int Inplanes { get; }
    public int Planes { get; }
    public int Stride { get; }
    public BatchNorm2d Bn1 { get; }
    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn2 { get; }
    public Conv2d Conv2 { get; }
    /// <summary>The 1×1 projection of the pre-activated input, present when stride ≠ 1 or inplanes ≠ planes.</summary>
    public Conv2d? Shortcut { get; }

    public PreActBlock(int inplanes, int planes, int stride = 1)
    {
        if (inplanes <= 0 || planes <= 0 || stride <= 0) throw new ArgumentException($"PreActBlock: inplanes ({inplanes}), planes ({planes}) and stride ({stride}) must be positive");
        (Inplanes, Planes, Stride) = (inplanes, planes, stride);
        Bn1 = RegisterModule("bn1", new BatchNorm2d(inplanes));
        Conv1 = RegisterModule("conv1", BlockLayers.Conv3x3(inplanes, planes, stride));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        Conv2 = RegisterModule("conv2", BlockLayers.Conv3x3(planes, planes));
        if (stride != 1 || inplanes != planes) Shortcut = RegisterModule("shortcut", BlockLayers.Conv1x1(inplanes, planes, stride));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "inplanes", Inplanes, x);
        var a = F.Relu(Bn1.Forward(x));
        var shortcut = Shortcut == null ? x : Shortcut.Forward(a);
        var h = Conv2.Forward(F.Relu(Bn2.Forward(Conv1.Forward(a))));
        return F.Add(h, shortcut);
    }

    public override string ExtraRepr() => $"inplanes={Inplanes}, planes={Planes}, stride={Stride}";
}
