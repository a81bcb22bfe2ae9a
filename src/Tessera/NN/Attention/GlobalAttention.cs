namespace Tessera.NN;

/// <summary>
/// Base of global attention with a score function (Luong et al. 2015; Bahdanau et al. 2015): for query i,
/// weights a_i = softmax_j score(q_i, k_j) over the keys (padded keys get weight 0), context_i = Σ_j a_ij v_j.
/// Batch-first: query [N, Lq, dq], keys [N, Lk, dk], values [N, Lk, dv] (null = keys), key_padding_mask bool [N, Lk]
/// (True = padding) → (context [N, Lq, dv], weights [N, Lq, Lk]).
/// </summary>
public abstract class GlobalAttention : Module
{
    /// <summary>Alignment scores [N, Lq, Lk] of query [N, Lq, dq] against keys [N, Lk, dk].</summary>
    public abstract Tensor Score(Tensor query, Tensor keys);

    /// <summary>Context and attention weights; see the class summary for shapes.</summary>
    public (Tensor Context, Tensor Weights) Forward(Tensor query, Tensor keys, Tensor? values = null, Tensor? keyPaddingMask = null)
    {
        F.CheckQueryKeys(query, keys, values, Describe());
        CheckFeatures(query, keys);
        return F.Attend(Score(query, keys), values ?? keys, keyPaddingMask);
    }

    /// <summary>Checks the feature sizes of query and keys against the layer's configuration.</summary>
    protected virtual void CheckFeatures(Tensor query, Tensor keys) { }

    /// <summary>"Layer(config)" for error messages.</summary>
    protected string Describe() => $"{Name}({ExtraRepr()})";

    /// <summary>Throws naming the layer when <paramref name="x"/> does not have <paramref name="expected"/> features.</summary>
    protected void Expect(Tensor x, int expected, string arg, string config)
    {
        if (x.Dims[^1] != expected) throw new ArgumentException($"{Describe()}: {arg} has {x.Dims[^1]} features, expected {config} = {expected} (shape {ShapeUtil.Format(x.Dims)})");
    }
}
