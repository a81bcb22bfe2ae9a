namespace Tessera.NN;

/// <summary>
/// Content-based addressing of the Neural Turing Machine (Graves et al. 2014, eq. 5–6): score = β · cos(q, k), with
/// cos(q, k) = q·k / (max(‖q‖, eps) · max(‖k‖, eps)) (each norm clamped separately). The weights do not change when
/// q or k is rescaled; a large key strength β sharpens them towards the single most similar key. No parameters.
/// </summary>
public sealed class ContentBasedAttention(float beta = 1f, float eps = 1e-8f) : GlobalAttention
{
    public float Beta { get; } = beta;
    public float Eps { get; } = eps;

    /// <summary>β · (q/max(‖q‖, eps)) · (k/max(‖k‖, eps))ᵀ.</summary>
    public override Tensor Score(Tensor query, Tensor keys)
    {
        if (query.Dims[^1] != keys.Dims[^1]) throw new ArgumentException($"{Describe()}: query has {query.Dims[^1]} features but keys have {keys.Dims[^1]} (query {ShapeUtil.Format(query.Dims)}, keys {ShapeUtil.Format(keys.Dims)})");
        return F.Mul(F.BatchedMatmul(F.Normalize(query, Eps), F.Normalize(keys, Eps), false, true), Beta);
    }

    public override string ExtraRepr() => $"beta={Beta}, eps={Eps}";
}
