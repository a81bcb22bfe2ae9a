namespace Tessera.NN;

/// <summary>2-d transposed convolution. Input [N, in, H, W], output [N, out, OH, OW]; kernel 4, stride 2, padding 1 doubles H and W. Weight [in, out/groups, kh, kw].</summary>
public sealed class ConvTranspose2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2 padding = default, Size2 outputPadding = default,
    int groups = 1, bool bias = true, Size2? dilation = null)
    : ConvTransposeNd(inChannels, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(), padding.ToArray(), outputPadding.ToArray(), groups, bias, (dilation ?? 1).ToArray());
