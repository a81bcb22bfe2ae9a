namespace Tessera.NN;

/// <summary>
/// MobileNet v1 depthwise-separable block (Howard et al. 2017, Fig. 3): a 3×3 depthwise conv (stride) → BN → ReLU,
/// then a 1×1 pointwise conv → BN → ReLU — about k² times cheaper than a full 3×3 conv.
/// y = relu(pw_bn(pw_conv(relu(dw_bn(dw_conv(x)))))). Input [N, in, H, W], output [N, out, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1].
/// </summary>
public sealed class MobileNetBlock : Module
{
    public int InChannels { get; }
    public Conv2d DwConv { get; }
    public BatchNorm2d DwBn { get; }
    public Conv2d PwConv { get; }
    public BatchNorm2d PwBn { get; }

    public MobileNetBlock(int inChannels, int outChannels, int stride = 1)
    {
        InChannels = inChannels;
        DwConv = RegisterModule("dw_conv", BlockLayers.Depthwise3x3(inChannels, stride));
        DwBn = RegisterModule("dw_bn", new BatchNorm2d(inChannels));
        PwConv = RegisterModule("pw_conv", BlockLayers.Conv1x1(inChannels, outChannels));
        PwBn = RegisterModule("pw_bn", new BatchNorm2d(outChannels));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "in_channels", InChannels, x);
        var h = F.Relu(DwBn.Forward(DwConv.Forward(x)));
        return F.Relu(PwBn.Forward(PwConv.Forward(h)));
    }
}
