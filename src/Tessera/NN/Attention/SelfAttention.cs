namespace Tessera.NN;

/// <summary>
/// Vanilla parameter-free self-attention: y_i = Σ_j softmax_j(x_i · x_j) x_j (no projections, no scaling).
/// x [N, L, d] → y [N, L, d]; <see cref="WithWeights"/> also returns the weights [N, L, L].
/// </summary>
public sealed class SelfAttention : Module
{
    public override Tensor Forward(Tensor x) => WithWeights(x).Output;

    /// <summary>(y [N, L, d], weights [N, L, L]) with weights[n, i, j] = softmax_j(x_i · x_j).</summary>
    public (Tensor Output, Tensor Weights) WithWeights(Tensor x)
    {
        if (x.Rank != 3) throw new ArgumentException($"SelfAttention: x must be [N, L, d], got {ShapeUtil.Format(x.Dims)}");
        return F.ScaledDotProductAttention(x, x, x, scale: 1f);
    }
}
