namespace Tessera.NN;

/// <summary>
/// One LSTM step, torch.nn.LSTMCell (rows i, f, g, o): c' = σ(a_f) ⊙ c + σ(a_i) ⊙ tanh(a_g), h' = σ(a_o) ⊙ tanh(c').
/// x [N, I], h, c [N, H] (null: zeros, independently) → (h', c') [N, H].
/// </summary>
public sealed class LSTMCell(int inputSize, int hiddenSize, bool bias = true) : RecurrentCell(4, inputSize, hiddenSize, bias)
{
    public override Tensor Forward(Tensor x) => Forward(x, null, null).H;

    public (Tensor H, Tensor C) Forward(Tensor x, Tensor? h, Tensor? c)
    {
        Check(x, (h, "h"), (c, "c"));
        return F.LstmCell(x, h, c, WeightIh, WeightHh, BiasIh, BiasHh);
    }
}
