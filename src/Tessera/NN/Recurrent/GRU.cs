namespace Tessera.NN;

/// <summary>
/// Gated recurrent unit stack (Cho et al. 2014), torch.nn.GRU; gate rows r, z, n. r = σ(W_ir x + b_ir + W_hr h + b_hr),
/// z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
/// With <see cref="ResetAfter"/> = false the reset gate acts before the recurrent matmul, n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
/// (Cho et al. eq. 8; Keras reset_after=False), with the same parameters. Shapes as <see cref="LSTM"/> with 3H rows and no cell state.
/// </summary>
public sealed class GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, float dropout = 0f,
    bool bidirectional = false, bool resetAfter = true)
    : RecurrentStack(3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional)
{
    /// <summary>True: PyTorch's form (r scales W_hn h + b_hn); false: the classic form (r scales h before W_hn).</summary>
    public bool ResetAfter { get; } = resetAfter;

    public override Tensor Forward(Tensor x) => Forward(x, null).Output;

    /// <summary>x [T, N, I] (batch_first: [N, T, I]); h0 [num_layers·D, N, H] or null; lengths int64 [N] or null → output [T, N, D·H], h_n [num_layers·D, N, H].</summary>
    public (Tensor Output, Tensor HN) Forward(Tensor x, Tensor? h0, Tensor? lengths = null)
    {
        var (output, finals) = RunStack(x, [h0], ["h0"], lengths);
        return (output, finals[0]);
    }

    protected override Tensor[] RunDirection(Tensor x, Tensor?[] states, RecurrentWeights w, bool reverse, int[]? lengths)
    {
        var (y, h) = F.GruLayer(x, states[0], w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, ResetAfter, reverse, lengths);
        return [y, h];
    }

    public override string ExtraRepr() => base.ExtraRepr() + (ResetAfter ? "" : ", reset_after=False");
}
