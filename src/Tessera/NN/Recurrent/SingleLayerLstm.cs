namespace Tessera.NN;

/// <summary>
/// What the single-layer, one-direction LSTM variants share (<see cref="CoupledLSTM"/>, <see cref="PeepholeLSTM"/>): the
/// input and recurrent weights of <c>gates</c>·H rows with their biases, PyTorch's U(−1/√H, 1/√H) initialisation, and
/// the sequence and state checks around the fused layer each variant runs.
/// x [T, N, I] ([N, T, I] with batch_first), h0, c0 [1, N, H] → output [T, N, H], h_n, c_n [1, N, H].
/// </summary>
public abstract class SingleLayerLstm : Module
{
    public int InputSize { get; }
    public int HiddenSize { get; }
    public bool BatchFirst { get; }
    public Parameter WeightIh { get; }
    public Parameter WeightHh { get; }
    public Parameter BiasIh { get; }
    public Parameter BiasHh { get; }

    /// <param name="inputSize">I, features of each step of x.</param>
    /// <param name="hiddenSize">H, features of the hidden and cell states.</param>
    /// <param name="batchFirst">x and the output are [N, T, ·] instead of [T, N, ·].</param>
    /// <param name="gates">Gate blocks of H rows in weight_ih, weight_hh, bias_ih and bias_hh.</param>
    /// <remarks>A subclass registers its own parameters after these, then calls <see cref="ResetParameters"/>.</remarks>
    protected SingleLayerLstm(int inputSize, int hiddenSize, bool batchFirst, int gates)
    {
        if (inputSize <= 0 || hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"{Name}: input_size and hidden_size must be positive, got {inputSize} and {hiddenSize}");
        (InputSize, HiddenSize, BatchFirst) = (inputSize, hiddenSize, batchFirst);
        WeightIh = RegisterParameter("weight_ih", Tensor.Empty(gates * hiddenSize, inputSize));
        WeightHh = RegisterParameter("weight_hh", Tensor.Empty(gates * hiddenSize, hiddenSize));
        BiasIh = RegisterParameter("bias_ih", Tensor.Empty(gates * hiddenSize));
        BiasHh = RegisterParameter("bias_hh", Tensor.Empty(gates * hiddenSize));
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
        string me = $"{Name}(input_size={InputSize}, hidden_size={HiddenSize})";
        var (_, N) = SequenceChecks.Sequence(me, x, InputSize, BatchFirst);
        SequenceChecks.State(me, h0, "h0", [1, N, HiddenSize], "[1, batch, hidden_size]");
        SequenceChecks.State(me, c0, "c0", [1, N, HiddenSize], "[1, batch, hidden_size]");
        var xt = BatchFirst ? F.Transpose(x, 0, 1) : x;
        var (y, h, c) = Layer(xt, h0 == null ? null : F.Reshape(h0, N, HiddenSize), c0 == null ? null : F.Reshape(c0, N, HiddenSize));
        return (BatchFirst ? F.Transpose(y, 0, 1) : y, F.Unsqueeze(h, 0), F.Unsqueeze(c, 0));
    }

    /// <summary>The variant's fused layer over x [T, N, I] from h0, c0 [N, H] (null: zeros) → y [T, N, H], h_T, c_T [N, H].</summary>
    protected abstract (Tensor Y, Tensor H, Tensor C) Layer(Tensor x, Tensor? h0, Tensor? c0);

    public override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (BatchFirst ? ", batch_first=True" : "");
}
