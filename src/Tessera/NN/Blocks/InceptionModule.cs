namespace Tessera.NN;

/// <summary>
/// GoogLeNet Inception module with dimension reductions (Szegedy et al. 2015, Fig. 2b) as torchvision's
/// googlenet.Inception (names match, so torchvision weights load): four parallel branches concatenated on channels —
/// branch1 = 1×1; branch2 = 1×1 reduce → 3×3; branch3 = 1×1 reduce → "5×5" (a 3×3 conv, as torchvision, kept for
/// weight compatibility: pytorch/vision#906); branch4 = 3×3 max-pool (stride 1, pad 1, ceil mode) → 1×1.
/// Every conv is a <see cref="BasicConv2d"/> (conv, BN eps 1e-3, ReLU).
/// Input [N, in_channels, H, W], output [N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W].
/// </summary>
public sealed class InceptionModule : Module
{
    public int InChannels { get; }
    public BasicConv2d Branch1 { get; }
    public Sequential Branch2 { get; }
    public Sequential Branch3 { get; }
    public Sequential Branch4 { get; }

    public InceptionModule(int inChannels, int ch1x1, int ch3x3red, int ch3x3, int ch5x5red, int ch5x5, int poolProj)
    {
        InChannels = inChannels;
        Branch1 = RegisterModule("branch1", new BasicConv2d(inChannels, ch1x1, 1));
        Branch2 = RegisterModule("branch2", new Sequential(new BasicConv2d(inChannels, ch3x3red, 1), new BasicConv2d(ch3x3red, ch3x3, 3, padding: 1)));
        Branch3 = RegisterModule("branch3", new Sequential(new BasicConv2d(inChannels, ch5x5red, 1), new BasicConv2d(ch5x5red, ch5x5, 3, padding: 1)));
        Branch4 = RegisterModule("branch4", new Sequential(new MaxPool2d(3, 1, 1, ceilMode: true), new BasicConv2d(inChannels, poolProj, 1)));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "in_channels", InChannels, x);
        return F.Cat([Branch1.Forward(x), Branch2.Forward(x), Branch3.Forward(x), Branch4.Forward(x)], 1);
    }
}
