namespace Tessera.NN;

/// <summary>
/// LSTM with coupled input and forget gates (CIFG; Greff et al. 2017, "LSTM: A Search Space Odyssey"): what the cell
/// forgets is exactly what it writes, c_t = f ⊙ c_{t−1} + (1 − f) ⊙ g, saving a quarter of the weights at little cost.
/// [a_f|a_g|a_o] = x_t W_ihᵀ + b_ih + h W_hhᵀ + b_hh; f = σ(a_f), g = tanh(a_g), o = σ(a_o); h_t = o ⊙ tanh(c_t).
/// Single layer, one direction; x [T, N, I] ([N, T, I] with batch_first), h0, c0 [1, N, H] → output [T, N, H], h_n, c_n [1, N, H].
/// Parameters weight_ih [3H, I], weight_hh [3H, H], bias_ih, bias_hh [3H] (rows f, g, o).
/// </summary>
public sealed class CoupledLSTM : SingleLayerLstm
{
    public CoupledLSTM(int inputSize, int hiddenSize, bool batchFirst = false) : base(inputSize, hiddenSize, batchFirst, gates: 3) => ResetParameters();

    // The input gate is 1 − f = σ(−a_f): an LSTM whose input-gate rows are the negated forget-gate rows, so the
    // fused LSTM op runs it and the gradients of both uses of the f rows add up through the concatenation.
    protected override (Tensor Y, Tensor H, Tensor C) Layer(Tensor x, Tensor? h0, Tensor? c0) =>
        F.LstmLayer(x, h0, c0, WithInputGate(WeightIh), WithInputGate(WeightHh), WithInputGate(BiasIh), WithInputGate(BiasHh));

    /// <summary>[f; g; o] rows → [−f; f; g; o], LSTM's gate order i, f, g, o with i tied to −f.</summary>
    private Tensor WithInputGate(Tensor w) => F.Cat([F.Neg(F.Narrow(w, 0, 0, HiddenSize)), w], 0);
}
