namespace Tessera.NN;

/// <summary>
/// 2-d convolution over images (LeCun et al. 1989). Input [N, in, H, W], output [N, out, OH, OW], per dim
/// floor((L + 2p − d·(k−1) − 1)/s) + 1. Weight [out, in/groups, kh, kw], bias [out].
/// groups = in_channels makes it depthwise; padding may be "same" or "valid".
/// </summary>
public sealed class Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, ConvPadding padding = default,
    Size2? dilation = null, int groups = 1, bool bias = true, PadMode paddingMode = PadMode.Constant)
    : ConvNd(inChannels, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(), padding, (dilation ?? 1).ToArray(), groups, bias, paddingMode);
