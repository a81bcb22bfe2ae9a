namespace Tessera.NN;

/// <summary>Luong "dot" attention: score(q_i, k_j) = q_i · k_j (no scaling). No parameters; dq = dk.</summary>
public sealed class DotProductAttention : GlobalAttention
{
    public override Tensor Score(Tensor query, Tensor keys)
    {
        if (query.Dims[^1] != keys.Dims[^1]) throw new ArgumentException($"{Describe()}: query has {query.Dims[^1]} features but keys have {keys.Dims[^1]} (query {ShapeUtil.Format(query.Dims)}, keys {ShapeUtil.Format(keys.Dims)})");
        return F.BatchedMatmul(query, keys, false, true);
    }
}
