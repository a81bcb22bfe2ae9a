namespace Tessera.NN;

// Adaptive pooling (torch.nn.Adaptive{Avg,Max}Pool*d): a fixed output size whatever the input size, so one classifier
// head serves every image size. Output i covers [floor(i·L/O), ceil((i+1)·L/O)); bins may overlap.

/// <summary>Mean over O adaptive bins. Input [N, C, L] → [N, C, O].</summary>
public sealed class AdaptiveAvgPool1d(int outputSize) : Module
{
    public override Tensor Forward(Tensor x) => F.AdaptivePool(x, [outputSize], false, Name);
    public override string ExtraRepr() => $"output_size={outputSize}";
}

/// <summary>Mean over OH×OW adaptive bins. Input [N, C, H, W] → [N, C, OH, OW].</summary>
public sealed class AdaptiveAvgPool2d(Size2 outputSize) : Module
{
    public override Tensor Forward(Tensor x) => F.AdaptivePool(x, outputSize.ToArray(), false, Name);
    public override string ExtraRepr() => $"output_size={outputSize}";
}

/// <summary>Mean over OD×OH×OW adaptive bins. Input [N, C, D, H, W] → [N, C, OD, OH, OW].</summary>
public sealed class AdaptiveAvgPool3d(Size3 outputSize) : Module
{
    public override Tensor Forward(Tensor x) => F.AdaptivePool(x, outputSize.ToArray(), false, Name);
    public override string ExtraRepr() => $"output_size={outputSize}";
}

/// <summary>Max over O adaptive bins. Input [N, C, L] → [N, C, O].</summary>
public sealed class AdaptiveMaxPool1d(int outputSize) : Module
{
    public override Tensor Forward(Tensor x) => F.AdaptivePool(x, [outputSize], true, Name);
    public override string ExtraRepr() => $"output_size={outputSize}";
}

/// <summary>Max over OH×OW adaptive bins. Input [N, C, H, W] → [N, C, OH, OW].</summary>
public sealed class AdaptiveMaxPool2d(Size2 outputSize) : Module
{
    public override Tensor Forward(Tensor x) => F.AdaptivePool(x, outputSize.ToArray(), true, Name);
    public override string ExtraRepr() => $"output_size={outputSize}";
}

/// <summary>Max over OD×OH×OW adaptive bins. Input [N, C, D, H, W] → [N, C, OD, OH, OW].</summary>
public sealed class AdaptiveMaxPool3d(Size3 outputSize) : Module
{
    public override Tensor Forward(Tensor x) => F.AdaptivePool(x, outputSize.ToArray(), true, Name);
    public override string ExtraRepr() => $"output_size={outputSize}";
}
