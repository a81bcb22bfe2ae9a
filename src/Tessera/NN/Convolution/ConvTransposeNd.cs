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
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{Name}: in_channels and out_channels must be positive, got {inChannels} and {outChannels}");
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{Name}(groups={groups}): in_channels={inChannels} and out_channels={outChannels} must both be divisible by groups");
        F.CheckPositive(kernelSize, Name, "kernel_size"); F.CheckPositive(stride, Name, "stride"); F.CheckPositive(dilation, Name, "dilation");
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
    public void ResetParameters()
    {
        Init.KaimingUniform(Weight, a: Math.Sqrt(5));
        if (Bias != null) { double b = 1 / Math.Sqrt(Init.Fans(Weight).FanIn); Init.Uniform(Bias, -b, b); }
    }

    /// <summary>x [N, in, *spatial] (or unbatched [in, *spatial]) → [N, out, *Lout].</summary>
    public override Tensor Forward(Tensor x)
    {
        int dims = KernelSize.Length;
        if (x.Rank != dims + 2 && x.Rank != dims + 1)
            throw new ArgumentException($"{Name}: input must be [N, C, {F.SpatialNames(dims)}] or [C, {F.SpatialNames(dims)}], got shape {ShapeUtil.Format(x.Dims)}");
        int c = x.Dims[x.Rank - dims - 1];
        if (c != InChannels) throw new ArgumentException($"{Name}(in_channels={InChannels}): input has {c} channels (shape {ShapeUtil.Format(x.Dims)})");
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
