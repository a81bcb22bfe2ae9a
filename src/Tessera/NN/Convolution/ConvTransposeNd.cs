namespace Tessera.NN;

/// <summary>
/// The shared body of <see cref="ConvTranspose1d"/>, <see cref="ConvTranspose2d"/> and <see cref="ConvTranspose3d"/>
/// (torch.nn.ConvTranspose*d): the gradient of a convolution with respect to its input, used to upsample
/// (DCGAN generators, segmentation decoders). Per dim Lout = (L−1)·s − 2p + d·(k−1) + output_padding + 1.
/// Weight [in, out/groups, k…] (in first, unlike Conv), bias [out].
/// </summary>
public abstract class ConvTransposeNd : Module
{
    public int InChannels { get; }
    public int OutChannels { get; }
    public int[] KernelSize { get; }
    public int[] Stride { get; }
    public int[] Padding { get; }
    public int[] OutputPadding { get; }
    public int[] Dilation { get; }
    public int Groups { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    protected ConvTransposeNd(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] outputPadding, int groups, bool bias, int[] dilation)
    {
        int dims = kernelSize.Length;
        ConvChecks.Arguments(Name, inChannels, outChannels, groups, kernelSize, stride, dilation);
        for (int i = 0; i < dims; i++)
        {
            if (padding[i] < 0 || outputPadding[i] < 0) throw new ArgumentException($"{Name}: padding {ShapeUtil.Format(padding)} and output_padding {ShapeUtil.Format(outputPadding)} must be non-negative");
            if (outputPadding[i] >= Math.Max(stride[i], dilation[i]))
                throw new ArgumentException($"{Name}: output_padding {ShapeUtil.Format(outputPadding)} must be smaller than max(stride, dilation) in every dim (stride {ShapeUtil.Format(stride)}, dilation {ShapeUtil.Format(dilation)})");
        }
        (InChannels, OutChannels, KernelSize, Stride, Padding, OutputPadding, Groups, Dilation) = (inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, dilation);
        Weight = RegisterParameter("weight", Tensor.Empty([inChannels, outChannels / groups, .. kernelSize]));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outChannels)); else RegisterNullParameter("bias");
        ResetParameters();
    }

    /// <summary>PyTorch's default: kaiming-uniform(a = √5) weight, bias U(−1/√fan_in, 1/√fan_in), fan_in from the weight's dim 1 (out/groups·Πk).</summary>
    public void ResetParameters() => ConvChecks.ResetParameters(Weight, Bias);

    /// <summary>x [N, in, *spatial] (or unbatched [in, *spatial]) → [N, out, *Lout].</summary>
    public override Tensor Forward(Tensor x)
    {
        int dims = KernelSize.Length;
        ConvChecks.Input(Name, dims, InChannels, x);
        return F.ConvTransposeCore(x, Weight, Bias, Stride, Padding, OutputPadding, Dilation, Groups, Name);
    }

    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={ShapeUtil.Format(KernelSize)}, stride={ShapeUtil.Format(Stride)}";
        if (Padding.Any(p => p != 0)) s += $", padding={ShapeUtil.Format(Padding)}";
        if (OutputPadding.Any(p => p != 0)) s += $", output_padding={ShapeUtil.Format(OutputPadding)}";
        if (Dilation.Any(d => d != 1)) s += $", dilation={ShapeUtil.Format(Dilation)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias == null) s += ", bias=False";
        return s;
    }
}
