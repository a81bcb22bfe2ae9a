namespace Tessera.NN;

/// <summary>
/// One Transformer decoder layer as torch.nn.TransformerDecoderLayer: masked self-attention over the target, attention
/// over the encoder's memory, and the feed-forward block, each with a residual connection and LayerNorm.
/// Post-norm: x = norm1(x + SA(x)); x = norm2(x + CA(x, memory)); x = norm3(x + FF(x)). Pre-norm: x = x + SA(norm1(x));
/// x = x + CA(norm2(x), memory); x = x + FF(norm3(x)) (memory is never normalised here).
/// tgt [T, N, d], memory [S, N, d] ([N, T, d], [N, S, d] when batch_first) → [T, N, d].
/// </summary>
public sealed class TransformerDecoderLayer : Module
{
    public int DModel { get; }
    public bool NormFirst { get; }
    public string Activation { get; }
    public MultiheadAttention SelfAttn { get; }
    public MultiheadAttention MultiheadAttn { get; }
    public Linear Linear1 { get; }
    public Linear Linear2 { get; }
    public LayerNorm Norm1 { get; }
    public LayerNorm Norm2 { get; }
    public LayerNorm Norm3 { get; }
    private readonly Dropout _dropout, _dropout1, _dropout2, _dropout3;

    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward = 2048, float dropout = 0.1f, string activation = "relu",
        float layerNormEps = 1e-5f, bool batchFirst = false, bool normFirst = false)
    {
        Activation = TransformerFeedForward.CheckActivation(activation, Name);
        DModel = dModel; NormFirst = normFirst;
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst));
        MultiheadAttn = RegisterModule("multihead_attn", new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward));
        _dropout = RegisterModule("dropout", new Dropout(dropout));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        Norm3 = RegisterModule("norm3", new LayerNorm(dModel, layerNormEps));
        _dropout1 = RegisterModule("dropout1", new Dropout(dropout));
        _dropout2 = RegisterModule("dropout2", new Dropout(dropout));
        _dropout3 = RegisterModule("dropout3", new Dropout(dropout));
    }

    /// <summary>tgt_mask [T, T] and memory_mask [T, S]: bool (True = masked out) or float (added); key padding masks bool [N, T] and [N, S].</summary>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null,
        Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null)
    {
        var x = tgt;
        if (NormFirst)
        {
            x = F.Add(x, SelfAttention(Norm1.Forward(x), tgtMask, tgtKeyPaddingMask));
            x = F.Add(x, CrossAttention(Norm2.Forward(x), memory, memoryMask, memoryKeyPaddingMask));
            return F.Add(x, FeedForward(Norm3.Forward(x)));
        }
        x = Norm1.Forward(F.Add(x, SelfAttention(x, tgtMask, tgtKeyPaddingMask)));
        x = Norm2.Forward(F.Add(x, CrossAttention(x, memory, memoryMask, memoryKeyPaddingMask)));
        return Norm3.Forward(F.Add(x, FeedForward(x)));
    }

    private Tensor SelfAttention(Tensor y, Tensor? mask, Tensor? keyPaddingMask)
        => _dropout1.Forward(SelfAttn.Forward(y, y, y, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    private Tensor CrossAttention(Tensor y, Tensor memory, Tensor? mask, Tensor? keyPaddingMask)
        => _dropout2.Forward(MultiheadAttn.Forward(y, memory, memory, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    private Tensor FeedForward(Tensor y) => _dropout3.Forward(TransformerFeedForward.Apply(y, Linear1, Linear2, _dropout, Activation));
}
