namespace Tessera.NN;

/// <summary>
/// Deformable convolution v1 (Dai et al. 2017): a regular conv, <c>offset</c>, predicts a (row, column) shift for every
/// kernel tap at every output position, and the main filter samples the input bilinearly at the shifted points, so the
/// receptive field bends to the object. Input [N, in, H, W], output [N, out, OH, OW]. Parameters weight [out, in, kh, kw],
/// bias [out], offset.weight [2·kh·kw, in, kh, kw], offset.bias [2·kh·kw]. The offset conv starts at zero (as in the
/// paper), so an untrained layer is a plain Conv2d.
/// </summary>
public sealed class DeformableConv2d : Module
{
    public Size2 Stride { get; }
    public Size2 Padding { get; }
    public Size2 Dilation { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public Conv2d Offset { get; }

    public DeformableConv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2 padding = default, Size2? dilation = null, bool bias = true)
    {
        if (inChannels <= 0 || outChannels <= 0) throw new ArgumentOutOfRangeException(nameof(inChannels), $"{Name}: channels must be positive, got in={inChannels}, out={outChannels}");
        (Stride, Padding, Dilation) = (stride ?? 1, padding, dilation ?? 1);
        Weight = RegisterParameter("weight", Tensor.Empty(outChannels, inChannels, kernelSize.H, kernelSize.W));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outChannels)); else RegisterNullParameter("bias");
        double b = 1 / Math.Sqrt(inChannels * kernelSize.H * kernelSize.W);
        Init.Uniform(Weight, -b, b);
        if (Bias != null) Init.Uniform(Bias, -b, b);
        Offset = RegisterModule("offset", new Conv2d(inChannels, 2 * kernelSize.H * kernelSize.W, kernelSize, Stride, padding, Dilation, bias: true));
        Init.Zeros(Offset.Weight); Init.Zeros(Offset.Bias!);
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Dims[1] != Weight.Dims[1])
            throw new ArgumentException($"{Name}(in_channels={Weight.Dims[1]}): input must be [N, {Weight.Dims[1]}, H, W], got shape {ShapeUtil.Format(x.Dims)}");
        return F.DeformConv2d(x, Offset.Forward(x), Weight, Bias, Stride, Padding, Dilation);
    }

    public override string ExtraRepr() => $"{Weight.Dims[1]}, {Weight.Dims[0]}, kernel_size=[{Weight.Dims[2]}, {Weight.Dims[3]}], stride={Stride}, padding={Padding}, dilation={Dilation}, bias={Bias != null}";
}
