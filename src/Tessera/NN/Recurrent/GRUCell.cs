namespace Tessera.NN;

/// <summary>
/// One GRU step, torch.nn.GRUCell (rows r, z, n; reset-after form): n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
/// h' = (1 − z) ⊙ n + z ⊙ h. x [N, I], h [N, H] (null: zeros) → h' [N, H].
/// </summary>
public sealed class GRUCell(int inputSize, int hiddenSize, bool bias = true) : RecurrentCell(3, inputSize, hiddenSize, bias)
{
    public override Tensor Forward(Tensor x) => Forward(x, null);

    public Tensor Forward(Tensor x, Tensor? h)
    {
        Check(x, (h, "h"));
        return F.GruCell(x, h, WeightIh, WeightHh, BiasIh, BiasHh);
    }
}
