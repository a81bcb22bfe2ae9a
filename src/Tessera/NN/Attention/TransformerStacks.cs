namespace Tessera.NN;

/// <summary>
/// A stack of encoder layers (torch.nn.TransformerEncoder): layers.{i}.* applied in order, then an optional final
/// norm (use one with pre-norm layers). The layers come from a factory, so each has its own initialisation
/// (torch deep-copies one layer instead). src [S, N, d] → same shape.
/// </summary>
public sealed class TransformerEncoder : Module
{
    public ModuleList Layers { get; }
    public LayerNorm? Norm { get; }

    public TransformerEncoder(Func<TransformerEncoderLayer> layer, int numLayers, LayerNorm? norm = null)
    {
        if (numLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numLayers), $"TransformerEncoder: num_layers must be positive, got {numLayers}");
        Layers = RegisterModule("layers", new ModuleList());
        for (int i = 0; i < numLayers; i++) Layers.Add(layer());
        if (norm != null) Norm = RegisterModule("norm", norm);
    }

    public Tensor Forward(Tensor src, Tensor? mask = null, Tensor? srcKeyPaddingMask = null)
    {
        var x = src;
        foreach (var l in Layers) x = ((TransformerEncoderLayer)l).Forward(x, mask, srcKeyPaddingMask);
        return Norm != null ? Norm.Forward(x) : x;
    }

    public override Tensor Forward(Tensor src) => Forward(src, null, null);
}

/// <summary>A stack of decoder layers (torch.nn.TransformerDecoder): layers.{i}.* then an optional final norm. tgt [T, N, d], memory [S, N, d] → [T, N, d].</summary>
public sealed class TransformerDecoder : Module
{
    public ModuleList Layers { get; }
    public LayerNorm? Norm { get; }

    public TransformerDecoder(Func<TransformerDecoderLayer> layer, int numLayers, LayerNorm? norm = null)
    {
        if (numLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numLayers), $"TransformerDecoder: num_layers must be positive, got {numLayers}");
        Layers = RegisterModule("layers", new ModuleList());
        for (int i = 0; i < numLayers; i++) Layers.Add(layer());
        if (norm != null) Norm = RegisterModule("norm", norm);
    }

    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null,
        Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null)
    {
        var x = tgt;
        foreach (var l in Layers) x = ((TransformerDecoderLayer)l).Forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
        return Norm != null ? Norm.Forward(x) : x;
    }
}
