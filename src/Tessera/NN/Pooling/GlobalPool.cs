namespace Tessera.NN;

// Global pooling (Lin et al. 2014, Network in Network): one number per channel, replacing the large fully connected
// layers of a classifier head with no parameters and any input size. Equal to an adaptive pool to 1×1, then flatten.

/// <summary>Mean over H and W. Input [N, C, H, W] → [N, C].</summary>
public sealed class GlobalAvgPool2d : Module
{
    public override Tensor Forward(Tensor x) => F.GlobalAvgPool2d(x);
}

/// <summary>Max over H and W; the gradient goes to each channel's maximum. Input [N, C, H, W] → [N, C].</summary>
public sealed class GlobalMaxPool2d : Module
{
    public override Tensor Forward(Tensor x) => F.GlobalMaxPool2d(x);
}
