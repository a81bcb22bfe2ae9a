namespace Tessera.NN;

/// <summary>3-d transposed convolution. Input [N, in, D, H, W], output [N, out, OD, OH, OW]. Weight [in, out/groups, kd, kh, kw].</summary>
public sealed class ConvTranspose3d(int inChannels, int outChannels, Size3 kernelSize, Size3? stride = null, Size3 padding = default, Size3 outputPadding = default,
    int groups = 1, bool bias = true, Size3? dilation = null)
    : ConvTransposeNd(inChannels, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(), padding.ToArray(), outputPadding.ToArray(), groups, bias, (dilation ?? 1).ToArray());
