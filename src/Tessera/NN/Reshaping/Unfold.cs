namespace Tessera.NN;

/// <summary>
/// Extracts sliding blocks as columns, im2col (torch.nn.Unfold): input [N, C, H, W] → [N, C·kh·kw, OH·OW], row
/// c·kh·kw + u·kw + v, column i·OW + j holding xpad[c, i·sh + u·dh, j·sw + v·dw]. A convolution is this followed by a
/// matrix product with the flattened weight.
/// </summary>
public sealed class Unfold(Size2 kernelSize, Size2? dilation = null, Size2 padding = default, Size2? stride = null) : Module
{
    public override Tensor Forward(Tensor x) => F.Unfold(x, kernelSize, dilation, padding, stride);
    public override string ExtraRepr() => $"kernel_size={kernelSize}, dilation={dilation ?? 1}, padding={padding}, stride={stride ?? 1}";
}
