namespace Tessera.NN;

/// <summary>
/// Sums columns back into an image, col2im (torch.nn.Fold), the adjoint of <see cref="Unfold"/>: overlapping blocks
/// add up and contributions in the padding are dropped. Input [N, C·kh·kw, L] → [N, C, H, W], L the number of blocks.
/// </summary>
public sealed class Fold(Size2 outputSize, Size2 kernelSize, Size2? dilation = null, Size2 padding = default, Size2? stride = null) : Module
{
    public override Tensor Forward(Tensor x) => F.Fold(x, outputSize, kernelSize, dilation, padding, stride);
    public override string ExtraRepr() => $"output_size={outputSize}, kernel_size={kernelSize}, dilation={dilation ?? 1}, padding={padding}, stride={stride ?? 1}";
}
