namespace Tessera.NN;

/// <summary>
/// Deterministic "hard" attention (Xu et al. 2015): the context is the value of the single key with the largest dot
/// product. query [N, Lq, d], keys [N, Lk, d], values [N, Lk, dv] (null = keys) → (context [N, Lq, dv], index int64 [N, Lq]).
/// No gradient reaches query or keys (exact zeros); the stochastic version is trained by REINFORCE, not covered here.
/// </summary>
public sealed class HardAttention : Module
{
    public (Tensor Context, Tensor Index) Forward(Tensor query, Tensor keys, Tensor? values = null) => F.HardAttention(query, keys, values);
}
