namespace Tessera.NN;

/// <summary>
/// One Transformer encoder layer (Vaswani et al. 2017) as torch.nn.TransformerEncoderLayer: self-attention and a
/// position-wise feed-forward FF(y) = linear2(dropout(act(linear1(y)))), each with a residual connection and LayerNorm.
/// Post-norm (default): x = norm1(x + SA(x)); x = norm2(x + FF(x)). Pre-norm (norm_first; Xiong et al. 2020):
/// x = x + SA(norm1(x)); x = x + FF(norm2(x)). src [S, N, d] ([N, S, d] when batch_first) → same shape.
/// </summary>
public sealed class TransformerEncoderLayer : Module
{
    public int DModel { get; }
    public bool NormFirst { get; }
    public string Activation { get; }
    public MultiheadAttention SelfAttn { get; }
    public Linear Linear1 { get; }
    public Linear Linear2 { get; }
    public LayerNorm Norm1 { get; }
    public LayerNorm Norm2 { get; }
    private readonly Dropout _dropout, _dropout1, _dropout2;

    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, float dropout = 0.1f, string activation = "relu",
        float layerNormEps = 1e-5f, bool batchFirst = false, bool normFirst = false)
    {
        Activation = TransformerFeedForward.CheckActivation(activation, Name);
        DModel = dModel; NormFirst = normFirst;
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward));
        _dropout = RegisterModule("dropout", new Dropout(dropout));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        _dropout1 = RegisterModule("dropout1", new Dropout(dropout));
        _dropout2 = RegisterModule("dropout2", new Dropout(dropout));
    }

    /// <summary>src_mask [S, S] (bool True = masked out, or float added); src_key_padding_mask bool [N, S] (True = padding).</summary>
    public Tensor Forward(Tensor src, Tensor? srcMask = null, Tensor? srcKeyPaddingMask = null)
    {
        var x = src;
        if (NormFirst)
        {
            x = F.Add(x, SelfAttention(Norm1.Forward(x), srcMask, srcKeyPaddingMask));
            return F.Add(x, FeedForward(Norm2.Forward(x)));
        }
        x = Norm1.Forward(F.Add(x, SelfAttention(x, srcMask, srcKeyPaddingMask)));
        return Norm2.Forward(F.Add(x, FeedForward(x)));
    }

    public override Tensor Forward(Tensor src) => Forward(src, null, null);

    private Tensor SelfAttention(Tensor y, Tensor? mask, Tensor? keyPaddingMask)
        => _dropout1.Forward(SelfAttn.Forward(y, y, y, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    private Tensor FeedForward(Tensor y) => _dropout2.Forward(TransformerFeedForward.Apply(y, Linear1, Linear2, _dropout, Activation));
}

/// <summary>The position-wise feed-forward block shared by the encoder and decoder layers.</summary>
internal static class TransformerFeedForward
{
    public static Tensor Apply(Tensor y, Linear linear1, Linear linear2, Dropout dropout, string activation)
    {
        var h = linear1.Forward(y);
        h = activation == "relu" ? F.Relu(h) : F.Gelu(h);
        return linear2.Forward(dropout.Forward(h));
    }

    public static string CheckActivation(string activation, string layer)
        => activation is "relu" or "gelu" ? activation : throw new ArgumentException($"{layer}: activation must be \"relu\" or \"gelu\", got \"{activation}\"");
}
