namespace Tessera.NN;

// Power-average pooling (torch.nn.LPPool1d/2d): y = (Σ_window xᵖ)^(1/p), between average pooling (p = 1) and max
// pooling (p → ∞); p = 2 is the energy of the window. It is xᵖ, not |x|ᵖ, so odd or fractional p needs positive inputs.
// Partial ceil-mode windows are rescaled to the full window size. No padding; stride defaults to the kernel size.

/// <summary>Power-average over windows of k. Input [N, C, L] → [N, C, Lout].</summary>
public sealed class LPPool1d(float normType, int kernelSize, int? stride = null, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor x) => F.LpPool1d(x, normType, kernelSize, stride, ceilMode);
    public override string ExtraRepr() => $"norm_type={normType}, kernel_size={kernelSize}, stride={stride ?? kernelSize}, ceil_mode={ceilMode}";
}

/// <summary>Power-average over kh×kw windows. Input [N, C, H, W] → [N, C, OH, OW].</summary>
public sealed class LPPool2d(float normType, Size2 kernelSize, Size2? stride = null, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor x) => F.LpPool2d(x, normType, kernelSize, stride, ceilMode);
    public override string ExtraRepr() => $"norm_type={normType}, kernel_size={kernelSize}, stride={stride ?? kernelSize}, ceil_mode={ceilMode}";
}
