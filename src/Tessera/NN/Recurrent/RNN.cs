namespace Tessera.NN;

/// <summary>
/// Elman recurrent stack (Elman 1990), torch.nn.RNN: h_t = act(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh), act tanh or ReLU.
/// Shapes as <see cref="LSTM"/> with H rows per weight and no cell state.
/// </summary>
public sealed class RNN : RecurrentStack
{
    /// <summary>"tanh" or "relu".</summary>
    public string Nonlinearity { get; }

    public RNN(int inputSize, int hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true, bool batchFirst = false,
        float dropout = 0f, bool bidirectional = false)
        : base(1, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional)
    {
        if (nonlinearity != "tanh" && nonlinearity != "relu")
            throw new ArgumentException($"RNN: nonlinearity must be \"tanh\" or \"relu\", got \"{nonlinearity}\"", nameof(nonlinearity));
        Nonlinearity = nonlinearity;
    }

    public override Tensor Forward(Tensor x) => Forward(x, null).Output;

    /// <summary>x [T, N, I] (batch_first: [N, T, I]); h0 [num_layers·D, N, H] or null; lengths int64 [N] or null → output [T, N, D·H], h_n [num_layers·D, N, H].</summary>
    public (Tensor Output, Tensor HN) Forward(Tensor x, Tensor? h0, Tensor? lengths = null)
    {
        var (output, finals) = RunStack(x, [h0], ["h0"], lengths);
        return (output, finals[0]);
    }

    protected override Tensor[] RunDirection(Tensor x, Tensor?[] states, RecurrentWeights w, bool reverse, int[]? lengths)
    {
        var (y, h) = F.RnnLayer(x, states[0], w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, Nonlinearity, reverse, lengths);
        return [y, h];
    }

    public override string ExtraRepr() => base.ExtraRepr() + (Nonlinearity == "relu" ? ", nonlinearity=relu" : "");
}
