namespace Tessera.NN;

/// <summary>
/// 3-d convolution over volumes or video (C3D). Input [N, in, D, H, W], output [N, out, OD, OH, OW].
/// Weight [out, in/groups, kd, kh, kw], bias [out].
/// </summary>
public sealed class Conv3d(int inChannels, int outChannels, Size3 kernelSize, Size3? stride = null, ConvPadding padding = default,
    Size3? dilation = null, int groups = 1, bool bias = true, PadMode paddingMode = PadMode.Constant)
    : ConvNd(inChannels, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(), padding, (dilation ?? 1).ToArray(), groups, bias, paddingMode);
