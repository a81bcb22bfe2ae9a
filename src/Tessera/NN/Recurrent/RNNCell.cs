namespace Tessera.NN;

/// <summary>One Elman step, torch.nn.RNNCell: h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). x [N, I], h [N, H] (null: zeros) → h' [N, H].</summary>
public sealed class RNNCell : RecurrentCell
{
    /// <summary>"tanh" or "relu".</summary>
    public string Nonlinearity { get; }

    public RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh") : base(1, inputSize, hiddenSize, bias)
    {
        if (nonlinearity != "tanh" && nonlinearity != "relu")
            throw new ArgumentException($"RNNCell: nonlinearity must be \"tanh\" or \"relu\", got \"{nonlinearity}\"", nameof(nonlinearity));
        Nonlinearity = nonlinearity;
    }

    public override Tensor Forward(Tensor x) => Forward(x, null);

    public Tensor Forward(Tensor x, Tensor? h)
    {
        Check(x, (h, "h"));
        return F.RnnCell(x, h, WeightIh, WeightHh, BiasIh, BiasHh, Nonlinearity);
    }
}
