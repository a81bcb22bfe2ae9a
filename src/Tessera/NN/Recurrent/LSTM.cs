namespace Tessera.NN;

/// <summary>
/// Long short-term memory stack (Hochreiter &amp; Schmidhuber 1997; forget gate Gers et al. 2000), torch.nn.LSTM without proj_size.
/// Per step: [a_i|a_f|a_g|a_o] = x_t W_ihᵀ + b_ih + h W_hhᵀ + b_hh; i, f, o = σ(·), g = tanh(a_g); c_t = f ⊙ c_{t−1} + i ⊙ g;
/// h_t = o ⊙ tanh(c_t). Input [T, N, input_size] ([N, T, input_size] with batch_first) → output [T, N, D·H];
/// h_n, c_n [num_layers·D, N, H]. Weights weight_ih_l{k}[_reverse] [4H, I_k], weight_hh_l{k}[_reverse] [4H, H], biases [4H].
/// </summary>
public sealed class LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, float dropout = 0f, bool bidirectional = false)
    : RecurrentStack(4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional)
{
    public override Tensor Forward(Tensor x) => Forward(x, null, null).Output;

    /// <summary>
    /// x [T, N, I] (batch_first: [N, T, I]); h0, c0 [num_layers·D, N, H] or null (zeros; independently); lengths int64 [N]
    /// (each 1..T) or null → output [T, N, D·H] (zero past each row's length), h_n and c_n [num_layers·D, N, H]
    /// (each row's state after its last valid step).
    /// </summary>
    public (Tensor Output, Tensor HN, Tensor CN) Forward(Tensor x, Tensor? h0, Tensor? c0, Tensor? lengths = null)
    {
        var (output, finals) = RunStack(x, [h0, c0], ["h0", "c0"], lengths);
        return (output, finals[0], finals[1]);
    }

    protected override Tensor[] RunDirection(Tensor x, Tensor?[] states, RecurrentWeights w, bool reverse, int[]? lengths)
    {
        var (y, h, c) = F.LstmLayer(x, states[0], states[1], w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, reverse, lengths);
        return [y, h, c];
    }
}
