namespace Tessera.NN;

// Max pooling (torch.nn.MaxPool1d/2d/3d): the max over each window, a small translation invariance with no
// parameters. Padding acts as −∞; ceil_mode keeps a last partial window when it starts inside the input or left
// padding; the gradient goes to each window's maximum. Stride defaults to the kernel size.

/// <summary>Max over windows of k. Input [N, C, L] → [N, C, Lout].</summary>
public sealed class MaxPool1d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor x) => F.MaxPool(x, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode, Name);
    public override string ExtraRepr() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}, dilation={dilation}, ceil_mode={ceilMode}";
}

/// <summary>Max over kh×kw windows. Input [N, C, H, W] → [N, C, OH, OW].</summary>
public sealed class MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2 padding = default, Size2? dilation = null, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor x)
        => F.MaxPool(x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), padding.ToArray(), (dilation ?? 1).ToArray(), ceilMode, Name);
    public override string ExtraRepr() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}, dilation={dilation ?? 1}, ceil_mode={ceilMode}";
}

/// <summary>Max over kd×kh×kw windows. Input [N, C, D, H, W] → [N, C, OD, OH, OW].</summary>
public sealed class MaxPool3d(Size3 kernelSize, Size3? stride = null, Size3 padding = default, Size3? dilation = null, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor x)
        => F.MaxPool(x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), padding.ToArray(), (dilation ?? 1).ToArray(), ceilMode, Name);
    public override string ExtraRepr() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}, dilation={dilation ?? 1}, ceil_mode={ceilMode}";
}
