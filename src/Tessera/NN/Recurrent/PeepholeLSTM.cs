namespace Tessera.NN;

/// <summary>
/// LSTM with peephole connections (Gers &amp; Schmidhuber 2000): the gates also look at the cell, so they can time their
/// opening to the cell's content. i = σ(a_i + w_ci ⊙ c_{t−1}), f = σ(a_f + w_cf ⊙ c_{t−1}), g = tanh(a_g),
/// c_t = f ⊙ c_{t−1} + i ⊙ g, o = σ(a_o + w_co ⊙ c_t) (the output gate peeks at the new cell), h_t = o ⊙ tanh(c_t).
/// Single layer, one direction. x [T, N, I] ([N, T, I] with batch_first), h0, c0 [1, N, H] → output [T, N, H], h_n, c_n [1, N, H].
/// Parameters weight_ih [4H, I], weight_hh [4H, H], bias_ih, bias_hh [4H] (rows i, f, g, o), weight_ci, weight_cf, weight_co [H].
/// </summary>
public sealed class PeepholeLSTM : Module
{
    public int InputSize { get; }
    public int HiddenSize { get; }
    public bool BatchFirst { get; }
    public Parameter WeightIh { get; }
    public Parameter WeightHh { get; }
    public Parameter BiasIh { get; }
    public Parameter BiasHh { get; }
    public Parameter WeightCi { get; }
    public Parameter WeightCf { get; }
    public Parameter WeightCo { get; }

    public PeepholeLSTM(int inputSize, int hiddenSize, bool batchFirst = false)
    {
        if (inputSize <= 0 || hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"PeepholeLSTM: input_size and hidden_size must be positive, got {inputSize} and {hiddenSize}");
        (InputSize, HiddenSize, BatchFirst) = (inputSize, hiddenSize, batchFirst);
        int H = hiddenSize;
        WeightIh = RegisterParameter("weight_ih", Tensor.Empty(4 * H, inputSize));
        WeightHh = RegisterParameter("weight_hh", Tensor.Empty(4 * H, H));
        BiasIh = RegisterParameter("bias_ih", Tensor.Empty(4 * H));
        BiasHh = RegisterParameter("bias_hh", Tensor.Empty(4 * H));
        WeightCi = RegisterParameter("weight_ci", Tensor.Empty(H));
        WeightCf = RegisterParameter("weight_cf", Tensor.Empty(H));
        WeightCo = RegisterParameter("weight_co", Tensor.Empty(H));
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
        string me = $"PeepholeLSTM(input_size={InputSize}, hidden_size={HiddenSize})";
        var (_, N) = SequenceChecks.Sequence(me, x, InputSize, BatchFirst);
        SequenceChecks.State(me, h0, "h0", [1, N, HiddenSize], "[1, batch, hidden_size]");
        SequenceChecks.State(me, c0, "c0", [1, N, HiddenSize], "[1, batch, hidden_size]");
        var xt = BatchFirst ? F.Transpose(x, 0, 1) : x;
        var (y, h, c) = F.PeepholeLstmLayer(xt, h0 == null ? null : F.Reshape(h0, N, HiddenSize), c0 == null ? null : F.Reshape(c0, N, HiddenSize),
            WeightIh, WeightHh, BiasIh, BiasHh, WeightCi, WeightCf, WeightCo);
        return (BatchFirst ? F.Transpose(y, 0, 1) : y, F.Unsqueeze(h, 0), F.Unsqueeze(c, 0));
    }

    public override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (BatchFirst ? ", batch_first=True" : "");
}
