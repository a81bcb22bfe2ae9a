namespace Tessera.NN;

/// <summary>
/// The shared body of <see cref="Conv1d"/>, <see cref="Conv2d"/> and <see cref="Conv3d"/> (torch.nn.Conv*d):
/// y[n, o] = bias[o] + Σ_c weight[o, c] ⋆ xpad[n, g·Cin/G + c], a cross-correlation of each output channel's filter
/// with the input channels of its group. Weight [out, in/groups, k…], bias [out].
/// </summary>
public abstract class ConvNd : Module, Models.IFlopCounter
{
    public int InChannels { get; }
    public int OutChannels { get; }
    public int[] KernelSize { get; }
    public int[] Stride { get; }
    public ConvPadding Padding { get; }
    public int[] Dilation { get; }
    public int Groups { get; }
    public PadMode PaddingMode { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    private readonly int[] _padBefore, _padAfter;

    protected ConvNd(int inChannels, int outChannels, int[] kernelSize, int[] stride, ConvPadding padding, int[] dilation, int groups, bool bias, PadMode paddingMode)
    {
        int dims = kernelSize.Length;
        ConvChecks.Arguments(Name, inChannels, outChannels, groups, kernelSize, stride, dilation);
        if (stride.Length != dims || dilation.Length != dims) throw new ArgumentException($"{Name}: stride and dilation need {dims} entries, got {ShapeUtil.Format(stride)} and {ShapeUtil.Format(dilation)}");
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups, PaddingMode) = (inChannels, outChannels, kernelSize, stride, padding, dilation, groups, paddingMode);
        (_padBefore, _padAfter) = padding.Resolve(dims, kernelSize, dilation, stride, Name);
        Weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, .. kernelSize]));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outChannels)); else RegisterNullParameter("bias");
        ResetParameters();
    }

    /// <summary>PyTorch's default: kaiming-uniform(a = √5) weight, bias U(−1/√fan_in, 1/√fan_in) with fan_in = in/groups·Πk.</summary>
    public void ResetParameters() => ConvChecks.ResetParameters(Weight, Bias);

    /// <summary>x [N, in, *spatial] (or unbatched [in, *spatial]) → [N, out, *out_spatial].</summary>
    public override Tensor Forward(Tensor x)
    {
        int dims = KernelSize.Length;
        ConvChecks.Input(Name, dims, InChannels, x);
        var zeros = new int[dims];
        if (PaddingMode == PadMode.Constant)
            return F.ConvCore(x, Weight, Bias, Stride, _padBefore, _padAfter, Dilation, Groups, Name);
        // Reflect, replicate and circular modes pad explicitly, then run an unpadded conv (as PyTorch does).
        var pad = new int[2 * dims];
        for (int i = 0; i < dims; i++) { pad[2 * (dims - 1 - i)] = _padBefore[i]; pad[2 * (dims - 1 - i) + 1] = _padAfter[i]; }
        return F.ConvCore(F.Pad(x, pad, PaddingMode, 0f, Name), Weight, Bias, Stride, zeros, zeros, Dilation, Groups, Name);
    }

    /// <summary>2·(in/groups)·Πk multiply-adds per output element, plus the bias adds.</summary>
    public long Flops(int[] inputShape, int[] outputShape)
    {
        long perOutput = 2L * (InChannels / Groups) * KernelSize.Aggregate(1L, (a, k) => a * k) - (Bias == null ? 1 : 0);
        return ShapeUtil.Numel(outputShape) * perOutput;
    }

    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={ShapeUtil.Format(KernelSize)}, stride={ShapeUtil.Format(Stride)}";
        if (Padding.Mode != null) s += $", padding={Padding}";
        else if (_padBefore.Any(p => p != 0)) s += $", padding={ShapeUtil.Format(_padBefore)}";
        if (Dilation.Any(d => d != 1)) s += $", dilation={ShapeUtil.Format(Dilation)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias == null) s += ", bias=False";
        if (PaddingMode != PadMode.Constant) s += $", padding_mode={PadModes.ConvName(PaddingMode)}";
        return s;
    }
}
