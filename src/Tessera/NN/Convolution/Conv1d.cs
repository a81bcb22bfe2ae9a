namespace Tessera.NN;

/// <summary>
/// 1-d convolution over sequences (time-delay networks, WaveNet, TCN). Input [N, in, L], output [N, out, Lout] with
/// Lout = floor((L + 2p − d·(k−1) − 1)/s) + 1. Weight [out, in/groups, k], bias [out].
/// </summary>
public sealed class Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, ConvPadding padding = default,
    int dilation = 1, int groups = 1, bool bias = true, PadMode paddingMode = PadMode.Constant)
    : ConvNd(inChannels, outChannels, [kernelSize], [stride], padding, [dilation], groups, bias, paddingMode);
