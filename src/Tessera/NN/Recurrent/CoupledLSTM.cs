namespace Tessera.NN;

/// <summary>
/// LSTM with coupled input and forget gates (CIFG; Greff et al. 2017, "LSTM: A Search Space Odyssey"): what the cell
/// forgets is exactly what it writes, c_t = f ⊙ c_{t−1} + (1 − f) ⊙ g, saving a quarter of the weights at little cost.
/// [a_f|a_g|a_o] = x_t W_ihᵀ + b_ih + h W_hhᵀ + b_hh; f = σ(a_f), g = tanh(a_g), o = σ(a_o); h_t = o ⊙ tanh(c_t).
/// Single layer, one direction; x [T, N, I] ([N, T, I] with batch_first), h0, c0 [1, N, H] → output [T, N, H], h_n, c_n [1, N, H].
/// Parameters weight_ih [3H, I], weight_hh [3H, H], bias_ih, bias_hh [3H] (rows f, g, o).
/// </summary>
public sealed class CoupledLSTM : Module
{
    public int InputSize { get; }
    public int HiddenSize { get; }
    public bool BatchFirst { get; }
    public Parameter WeightIh { get; }
    public Parameter WeightHh { get; }
    public Parameter BiasIh { get; }
    public Parameter BiasHh { get; }

    public CoupledLSTM(int inputSize, int hiddenSize, bool batchFirst = false)
    {
        if (inputSize <= 0 || hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"CoupledLSTM: input_size and hidden_size must be positive, got {inputSize} and {hiddenSize}");
        (InputSize, HiddenSize, BatchFirst) = (inputSize, hiddenSize, batchFirst);
        int H = hiddenSize;
        WeightIh = RegisterParameter("weight_ih", Tensor.Empty(3 * H, inputSize));
        WeightHh = RegisterParameter("weight_hh", Tensor.Empty(3 * H, H));
        BiasIh = RegisterParameter("bias_ih", Tensor.Empty(3 * H));
        BiasHh = RegisterParameter("bias_hh", Tensor.Empty(3 * H));
        ResetParameters();
    }

    /// <summary>Every parameter U(−1/√H, 1/√H), as PyTorch's LSTM.</summary>
    public void ResetParameters()
    {
        double k = 1 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters()) Init.Uniform(p, -k, k);
    }

    public override Tensor Forward(Tensor x) => Forward(x, null, null).Output;

    /// <summary>x [T, N, I] (batch_first: [N, T, I]); h0, c0 [1, N, H] or null (zeros) → output [T, N, H] (batch_first [N, T, H]), h_n, c_n [1, N, H].</summary>
    public (Tensor Output, Tensor HN, Tensor CN) Forward(Tensor x, Tensor? h0, Tensor? c0)
    {
        string me = $"CoupledLSTM(input_size={InputSize}, hidden_size={HiddenSize})";
        var (_, N) = SequenceChecks.Sequence(me, x, InputSize, BatchFirst);
        SequenceChecks.State(me, h0, "h0", [1, N, HiddenSize], "[1, batch, hidden_size]");
        SequenceChecks.State(me, c0, "c0", [1, N, HiddenSize], "[1, batch, hidden_size]");
        var xt = BatchFirst ? F.Transpose(x, 0, 1) : x;
        // The input gate is 1 − f = σ(−a_f): an LSTM whose input-gate rows are the negated forget-gate rows, so the
        // fused LSTM op runs it and the gradients of both uses of the f rows add up through the concatenation.
        var (y, h, c) = F.LstmLayer(xt, h0 == null ? null : F.Reshape(h0, N, HiddenSize), c0 == null ? null : F.Reshape(c0, N, HiddenSize),
            WithInputGate(WeightIh), WithInputGate(WeightHh), WithInputGate(BiasIh), WithInputGate(BiasHh));
        return (BatchFirst ? F.Transpose(y, 0, 1) : y, F.Unsqueeze(h, 0), F.Unsqueeze(c, 0));
    }

    /// <summary>[f; g; o] rows → [−f; f; g; o], LSTM's gate order i, f, g, o with i tied to −f.</summary>
    private Tensor WithInputGate(Tensor w) => F.Cat([F.Neg(F.Narrow(w, 0, 0, HiddenSize)), w], 0);

    public override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (BatchFirst ? ", batch_first=True" : "");
}
