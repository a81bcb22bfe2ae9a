namespace Tessera.NN;

/// <summary>
/// LSTM with peephole connections (Gers &amp; Schmidhuber 2000): the gates also look at the cell, so they can time their
/// opening to the cell's content. i = σ(a_i + w_ci ⊙ c_{t−1}), f = σ(a_f + w_cf ⊙ c_{t−1}), g = tanh(a_g),
/// c_t = f ⊙ c_{t−1} + i ⊙ g, o = σ(a_o + w_co ⊙ c_t) (the output gate peeks at the new cell), h_t = o ⊙ tanh(c_t).
/// Single layer, one direction. x [T, N, I] ([N, T, I] with batch_first), h0, c0 [1, N, H] → output [T, N, H], h_n, c_n [1, N, H].
/// Parameters weight_ih [4H, I], weight_hh [4H, H], bias_ih, bias_hh [4H] (rows i, f, g, o), weight_ci, weight_cf, weight_co [H].
/// </summary>
public sealed class PeepholeLSTM : SingleLayerLstm
{
    public Parameter WeightCi { get; }
    public Parameter WeightCf { get; }
    public Parameter WeightCo { get; }

    public PeepholeLSTM(int inputSize, int hiddenSize, bool batchFirst = false) : base(inputSize, hiddenSize, batchFirst, gates: 4)
    {
        WeightCi = RegisterParameter("weight_ci", Tensor.Empty(hiddenSize));
        WeightCf = RegisterParameter("weight_cf", Tensor.Empty(hiddenSize));
        WeightCo = RegisterParameter("weight_co", Tensor.Empty(hiddenSize));
        ResetParameters();
    }

    protected override (Tensor Y, Tensor H, Tensor C) Layer(Tensor x, Tensor? h0, Tensor? c0) =>
        F.PeepholeLstmLayer(x, h0, c0, WeightIh, WeightHh, BiasIh, BiasHh, WeightCi, WeightCf, WeightCo);
}
