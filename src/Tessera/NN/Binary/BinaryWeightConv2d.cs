namespace Tessera.NN;

/// <summary>
/// Binary-weight convolution (BWN, XNOR-Net Sec. 3.1, Rastegari et al. 2016): the input stays real, each filter is
/// replaced by α_o·sign(W[o]) with α_o = mean|W[o]|, so a multiply-add becomes an add or subtract and the weights
/// take 1 bit (32× smaller). y = conv2d(x, W_b, bias, stride, padding, dilation, groups), zero padding.
/// Input [N, in, H, W], output [N, out, H', W'] (Conv2d's size formula); weight [out, in/groups, kh, kw], bias [out].
/// </summary>
public sealed class BinaryWeightConv2d : Module
{
    public int InChannels { get; }
    public int OutChannels { get; }
    public Size2 KernelSize { get; }
    public Size2 Stride { get; }
    public Size2 Padding { get; }
    public Size2 Dilation { get; }
    public int Groups { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public BinaryWeightConv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2 padding = default,
        Size2? dilation = null, int groups = 1, bool bias = true)
    {
        BinaryConv.CheckConfig(Name, inChannels, outChannels, kernelSize, stride ?? 1, padding, dilation ?? 1, groups);
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups) = (inChannels, outChannels, kernelSize, stride ?? 1, padding, dilation ?? 1, groups);
        Weight = RegisterParameter("weight", Tensor.Empty(outChannels, inChannels / groups, kernelSize.H, kernelSize.W));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outChannels)); else RegisterNullParameter("bias");
        BinaryConv.Reset(Weight, Bias);
    }

    public override Tensor Forward(Tensor x)
    {
        BinaryConv.CheckInput(Name, InChannels, x);
        return F.Conv2d(x, F.BinarizeWeight(Weight), Bias, Stride, Padding, Dilation, Groups);
    }

    public override string ExtraRepr() => BinaryConv.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups, Bias != null);
}
