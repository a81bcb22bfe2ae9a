namespace Tessera.NN;

// Average pooling (torch.nn.AvgPool1d/2d/3d): the mean over each window, a low-pass filter and downsampler with no
// parameters. With count_include_pad the padded zeros count in the divisor (positions past the padding of a ceil-mode
// window do not); divisor_override replaces the divisor. Stride defaults to the kernel size.

/// <summary>Mean over windows of k. Input [N, C, L] → [N, C, Lout].</summary>
public sealed class AvgPool1d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true) : Module
{
    public override Tensor Forward(Tensor x) => F.AvgPool(x, [kernelSize], [stride ?? kernelSize], [padding], ceilMode, countIncludePad, null, Name);
    public override string ExtraRepr() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}

/// <summary>Mean over kh×kw windows. Input [N, C, H, W] → [N, C, OH, OW].</summary>
public sealed class AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2 padding = default, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null) : Module
{
    public override Tensor Forward(Tensor x)
        => F.AvgPool(x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), padding.ToArray(), ceilMode, countIncludePad, divisorOverride, Name);
    public override string ExtraRepr() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}

/// <summary>Mean over kd×kh×kw windows. Input [N, C, D, H, W] → [N, C, OD, OH, OW].</summary>
public sealed class AvgPool3d(Size3 kernelSize, Size3? stride = null, Size3 padding = default, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null) : Module
{
    public override Tensor Forward(Tensor x)
        => F.AvgPool(x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), padding.ToArray(), ceilMode, countIncludePad, divisorOverride, Name);
    public override string ExtraRepr() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}
