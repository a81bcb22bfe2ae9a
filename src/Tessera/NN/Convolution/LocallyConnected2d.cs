namespace Tessera.NN;

/// <summary>
/// Locally connected layer, an unshared convolution (Taigman et al. 2014, DeepFace; Keras LocallyConnected2D):
/// y[n, o, i, j] = bias[o, i, j] + Σ weight[i, j, o] ⋆ xpad — every output position has its own filter, for inputs
/// whose statistics differ by location (aligned faces). OH·OW times the weights of a Conv2d, for a fixed input size.
/// Input [N, in, H, W], output [N, out, OH, OW]. Weight [OH, OW, out, in, kh, kw], bias [out, OH, OW].
/// </summary>
public sealed class LocallyConnected2d : Module
{
    public Size2 InputSize { get; }
    public Size2 KernelSize { get; }
    public Size2 Stride { get; }
    public Size2 Padding { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public LocallyConnected2d(int inChannels, int outChannels, Size2 inputSize, Size2 kernelSize, Size2? stride = null, Size2 padding = default, bool bias = true)
    {
        var s = stride ?? 1;
        if (inChannels <= 0 || outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), $"{Name}: channels must be positive, got in={inChannels}, out={outChannels}");
        int oh = Kernels.Window.OutSize(inputSize.H, kernelSize.H, s.H, padding.H, padding.H, 1), ow = Kernels.Window.OutSize(inputSize.W, kernelSize.W, s.W, padding.W, padding.W, 1);
        if (oh < 1 || ow < 1) throw new ArgumentException($"{Name}: input_size {inputSize} with padding {padding} is smaller than the kernel {kernelSize}");
        (InputSize, KernelSize, Stride, Padding) = (inputSize, kernelSize, s, padding);
        Weight = RegisterParameter("weight", Tensor.Empty(oh, ow, outChannels, inChannels, kernelSize.H, kernelSize.W));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outChannels, oh, ow)); else RegisterNullParameter("bias");
        double b = 1 / Math.Sqrt(inChannels * kernelSize.H * kernelSize.W);
        Init.Uniform(Weight, -b, b);
        if (Bias != null) Init.Uniform(Bias, -b, b);
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Dims[2] != InputSize.H || x.Dims[3] != InputSize.W)
            throw new ArgumentException($"{Name}(input_size={InputSize}): input must be [N, {Weight.Dims[3]}, {InputSize.H}, {InputSize.W}], got shape {ShapeUtil.Format(x.Dims)}");
        return F.LocallyConnected2d(x, Weight, Bias, Stride, Padding);
    }

    public override string ExtraRepr() => $"{Weight.Dims[3]}, {Weight.Dims[2]}, input_size={InputSize}, kernel_size={KernelSize}, stride={Stride}, padding={Padding}, bias={Bias != null}";
}
