namespace Tessera.NN;

/// <summary>
/// Depthwise-separable convolution (Howard et al. 2017, MobileNet; Chollet 2017, Xception): a k×k depthwise conv
/// (groups = in, depth_multiplier M filters per input channel; output channel c·M + m reads input channel c) followed
/// directly by a 1×1 pointwise conv, with no norm or activation between. It costs in·M·k² + in·M·out weights instead of
/// in·out·k². Input [N, in, H, W], output [N, out, OH, OW]. Parameters depthwise.weight [in·M, 1, kh, kw],
/// depthwise.bias [in·M], pointwise.weight [out, in·M, 1, 1], pointwise.bias [out].
/// </summary>
public sealed class DepthwiseSeparableConv2d : Module
{
    public Conv2d Depthwise { get; }
    public Conv2d Pointwise { get; }

    public DepthwiseSeparableConv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2 padding = default,
        Size2? dilation = null, int depthMultiplier = 1, bool bias = true)
    {
        if (depthMultiplier <= 0) throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"{Name}: depth_multiplier must be positive, got {depthMultiplier}");
        Depthwise = RegisterModule("depthwise", new Conv2d(inChannels, inChannels * depthMultiplier, kernelSize, stride, padding, dilation, groups: inChannels, bias: bias));
        Pointwise = RegisterModule("pointwise", new Conv2d(inChannels * depthMultiplier, outChannels, 1, bias: bias));
    }

    public override Tensor Forward(Tensor x) => Pointwise.Forward(Depthwise.Forward(x));
}
