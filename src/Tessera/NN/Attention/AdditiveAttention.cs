namespace Tessera.NN;

/// <summary>
/// Bahdanau et al. 2015 additive attention: score(q_i, k_j) = v · tanh(W_q q_i + W_k k_j + b), with query = decoder
/// state, keys = encoder annotations. Parameters query_proj.weight [A, dq], key_proj.weight [A, dk], key_proj.bias [A]
/// (when bias), v.weight [1, A].
/// </summary>
public sealed class AdditiveAttention : GlobalAttention
{
    public int QueryDim { get; }
    public int KeyDim { get; }
    public int AttnDim { get; }
    public Linear QueryProj { get; }
    public Linear KeyProj { get; }
    public Linear V { get; }

    public AdditiveAttention(int queryDim, int keyDim, int attnDim, bool bias = true)
    {
        QueryDim = queryDim; KeyDim = keyDim; AttnDim = attnDim;
        QueryProj = RegisterModule("query_proj", new Linear(queryDim, attnDim, bias: false));
        KeyProj = RegisterModule("key_proj", new Linear(keyDim, attnDim, bias));
        V = RegisterModule("v", new Linear(attnDim, 1, bias: false));
    }

    /// <summary>The keys' projection does not depend on the query: a decoder can compute it once per source with
    /// <see cref="ProjectKeys"/> and call <see cref="ScoreProjected"/> at every step.</summary>
    public override Tensor Score(Tensor query, Tensor keys) => ScoreProjected(query, ProjectKeys(keys));

    /// <summary>W_k k + b for keys [N, Lk, dk] → [N, Lk, A].</summary>
    public Tensor ProjectKeys(Tensor keys) => KeyProj.Forward(keys);

    /// <summary>Scores of query [N, Lq, dq] against already projected keys [N, Lk, A].</summary>
    public Tensor ScoreProjected(Tensor query, Tensor projectedKeys) => F.AdditiveScores(QueryProj.Forward(query), projectedKeys, V.Weight);

    /// <summary>Context and weights from already projected keys (see <see cref="ProjectKeys"/>).</summary>
    public (Tensor Context, Tensor Weights) ForwardProjected(Tensor query, Tensor projectedKeys, Tensor values, Tensor? keyPaddingMask = null)
        => F.Attend(ScoreProjected(query, projectedKeys), values, keyPaddingMask);

    protected override void CheckFeatures(Tensor query, Tensor keys) { Expect(query, QueryDim, "query", "query_dim"); Expect(keys, KeyDim, "keys", "key_dim"); }
    public override string ExtraRepr() => $"query_dim={QueryDim}, key_dim={KeyDim}, attn_dim={AttnDim}, bias={KeyProj.Bias != null}";
}
