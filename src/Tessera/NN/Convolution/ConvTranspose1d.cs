namespace Tessera.NN;

/// <summary>1-d transposed convolution. Input [N, in, L], output [N, out, (L−1)s − 2p + d(k−1) + op + 1]. Weight [in, out/groups, k].</summary>
public sealed class ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
    int groups = 1, bool bias = true, int dilation = 1)
    : ConvTransposeNd(inChannels, outChannels, [kernelSize], [stride], [padding], [outputPadding], groups, bias, [dilation]);
