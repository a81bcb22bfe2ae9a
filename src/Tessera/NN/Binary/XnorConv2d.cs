namespace Tessera.NN;

/// <summary>
/// XNOR-Net convolution (Rastegari et al. 2016, Sec. 3.2, Fig. 2): input and weight both binarised, so the
/// convolution becomes XNOR and popcount; the output is rescaled by α (per filter) and by K, the average of the
/// input's channel-mean magnitude A = mean_c|x| over each window:
/// K = conv2d(A, 1/(kh·kw)), y = conv2d(sign(x), W_b) ⊙ K + bias (same stride, padding, dilation; zero padding).
/// sign(x) uses the straight-through estimator. Input [N, in, H, W], output [N, out, H', W'];
/// weight [out, in, kh, kw], bias [out]. No groups.
/// </summary>
public sealed class XnorConv2d : Module
{
    public int InChannels { get; }
    public int OutChannels { get; }
    public Size2 KernelSize { get; }
    public Size2 Stride { get; }
    public Size2 Padding { get; }
    public Size2 Dilation { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public XnorConv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2 padding = default, Size2? dilation = null, bool bias = true)
    {
        BinaryConv.CheckConfig(Name, inChannels, outChannels, kernelSize, stride ?? 1, padding, dilation ?? 1, 1);
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation) = (inChannels, outChannels, kernelSize, stride ?? 1, padding, dilation ?? 1);
        Weight = RegisterParameter("weight", Tensor.Empty(outChannels, inChannels, kernelSize.H, kernelSize.W));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outChannels)); else RegisterNullParameter("bias");
        BinaryConv.Reset(Weight, Bias);
    }

    public override Tensor Forward(Tensor x)
    {
        BinaryConv.CheckInput(Name, InChannels, x);
        var a = F.Mean(F.Abs(x), [1], keepdim: true);                                  // [N, 1, H, W]
        var box = Tensor.Full([1, 1, KernelSize.H, KernelSize.W], 1f / (KernelSize.H * KernelSize.W));
        var k = F.Conv2d(a, box, null, Stride, Padding, Dilation);                     // [N, 1, H', W']
        var p = F.Conv2d(F.SignSte(x), F.BinarizeWeight(Weight), null, Stride, Padding, Dilation);
        var y = F.Mul(p, k);
        return Bias == null ? y : F.Add(y, F.Reshape(Bias, OutChannels, 1, 1));
    }

    public override string ExtraRepr() => BinaryConv.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, 1, Bias != null);
}
