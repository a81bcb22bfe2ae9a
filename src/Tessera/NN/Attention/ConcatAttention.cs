namespace Tessera.NN;

/// <summary>
/// Luong "concat" attention: score(q_i, k_j) = v · tanh(W [q_i ; k_j]), W.weight [A, dq + dk] (columns 0..dq−1 act on
/// the query), v.weight [1, A], no biases. W [q ; k] = W_q q + W_k k, so it is computed as additive scores without
/// forming the Lq × Lk concatenations.
/// </summary>
public sealed class ConcatAttention : GlobalAttention
{
    public int QueryDim { get; }
    public int KeyDim { get; }
    public int AttnDim { get; }
    public Linear W { get; }
    public Linear V { get; }

    public ConcatAttention(int queryDim, int keyDim, int attnDim)
    {
        QueryDim = queryDim; KeyDim = keyDim; AttnDim = attnDim;
        W = RegisterModule("W", new Linear(queryDim + keyDim, attnDim, bias: false));
        V = RegisterModule("v", new Linear(attnDim, 1, bias: false));
    }

    public override Tensor Score(Tensor query, Tensor keys)
    {
        var hq = F.Linear(query, F.Narrow(W.Weight, 1, 0, QueryDim));
        var hk = F.Linear(keys, F.Narrow(W.Weight, 1, QueryDim, KeyDim));
        return F.AdditiveScores(hq, hk, V.Weight);
    }

    protected override void CheckFeatures(Tensor query, Tensor keys) { Expect(query, QueryDim, "query", "query_dim"); Expect(keys, KeyDim, "keys", "key_dim"); }
    public override string ExtraRepr() => $"query_dim={QueryDim}, key_dim={KeyDim}, attn_dim={AttnDim}";
}
