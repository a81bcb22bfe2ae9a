namespace Tessera.NN;

/// <summary>
/// Scaled dot-product attention (Vaswani et al. 2017) as a layer: softmax(Q Kᵀ · scale + mask) V, scale = 1/√d unless
/// given; optionally causal. query [*, Lq, d], key [*, Lk, d], value [*, Lk, dv] → (output [*, Lq, dv], weights [*, Lq, Lk]).
/// </summary>
public sealed class ScaledDotProductAttention(float? scale = null, bool isCausal = false) : Module
{
    public float? Scale { get; } = scale;
    public bool IsCausal { get; } = isCausal;

    /// <summary>attn_mask: bool (True = masked out) or float (added), broadcast to [*, Lq, Lk].</summary>
    public (Tensor Output, Tensor Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null)
        => F.ScaledDotProductAttention(query, key, value, attnMask, Scale, IsCausal);

    public override string ExtraRepr() => $"scale={(Scale?.ToString() ?? "1/sqrt(d)")}, is_causal={IsCausal}";
}
