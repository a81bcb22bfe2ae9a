namespace Tessera.Kernels;

/// <summary>
/// Where a recurrent pass's backward writes its gradients; an empty span means "not needed" and skips that work
/// (e.g. the input gradient of a first layer whose input is data). Biases: the two bias vectors of a PyTorch cell.
/// </summary>
internal ref struct RecurrentGradients
{
    public Span<float> X, WeightIh, WeightHh, BiasIh, BiasHh, H0, C0;
    /// <summary>Peephole weights of a peephole LSTM (w_ci, w_cf, w_co); accumulated into.</summary>
    public Span<float> WeightCi, WeightCf, WeightCo;
}
