namespace Tessera.NN;

/// <summary>Luong "general" attention: score(q_i, k_j) = q_iᵀ W k_j, weight W [query_dim, key_dim] (Luong's W_a).</summary>
public sealed class GeneralAttention : GlobalAttention
{
    public int QueryDim { get; }
    public int KeyDim { get; }
    public Parameter Weight { get; }

    public GeneralAttention(int queryDim, int keyDim)
    {
        if (queryDim <= 0 || keyDim <= 0) throw new ArgumentOutOfRangeException(nameof(queryDim), $"GeneralAttention: query_dim and key_dim must be positive, got {queryDim} and {keyDim}");
        QueryDim = queryDim; KeyDim = keyDim;
        Weight = RegisterParameter("weight", Init.Normal(Tensor.Empty(queryDim, keyDim), 0, 1 / Math.Sqrt(keyDim)));
    }

    /// <summary>(q W) · kᵀ: the query side is transformed (one [N·Lq, dq] × [dq, dk] product).</summary>
    public override Tensor Score(Tensor query, Tensor keys) => F.BatchedMatmul(F.Matmul(query, Weight), keys, false, true);

    protected override void CheckFeatures(Tensor query, Tensor keys) { Expect(query, QueryDim, "query", "query_dim"); Expect(keys, KeyDim, "keys", "key_dim"); }
    public override string ExtraRepr() => $"query_dim={QueryDim}, key_dim={KeyDim}";
}
