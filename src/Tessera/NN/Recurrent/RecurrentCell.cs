namespace Tessera.NN;

/// <summary>
/// The shared body of <see cref="RNNCell"/>, <see cref="LSTMCell"/> and <see cref="GRUCell"/> (PyTorch's RNNCellBase): one time
/// step, x [N, input_size] and states [N, H]. Parameters weight_ih [gates·H, I], weight_hh [gates·H, H], bias_ih, bias_hh [gates·H].
/// </summary>
public abstract class RecurrentCell : Module
{
    public int InputSize { get; }
    public int HiddenSize { get; }
    public Parameter WeightIh { get; }
    public Parameter WeightHh { get; }
    public Parameter? BiasIh { get; }
    public Parameter? BiasHh { get; }

    /// <summary>Registers the parameters; <paramref name="gates"/> = row blocks of H rows per weight.</summary>
    protected RecurrentCell(int gates, int inputSize, int hiddenSize, bool bias)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"{Name}: input_size must be positive, got {inputSize}");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"{Name}: hidden_size must be positive, got {hiddenSize}");
        (InputSize, HiddenSize) = (inputSize, hiddenSize);
        WeightIh = RegisterParameter("weight_ih", Tensor.Empty(gates * hiddenSize, inputSize));
        WeightHh = RegisterParameter("weight_hh", Tensor.Empty(gates * hiddenSize, hiddenSize));
        if (bias)
        {
            BiasIh = RegisterParameter("bias_ih", Tensor.Empty(gates * hiddenSize));
            BiasHh = RegisterParameter("bias_hh", Tensor.Empty(gates * hiddenSize));
        }
        else { RegisterNullParameter("bias_ih"); RegisterNullParameter("bias_hh"); }
        ResetParameters();
    }

    /// <summary>PyTorch's default: every weight and bias U(−1/√H, 1/√H).</summary>
    public void ResetParameters()
    {
        double k = 1 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters()) Init.Uniform(p, -k, k);
    }

    /// <summary>Checks x [N, input_size] and a state [N, H] (null allowed), naming this cell in errors.</summary>
    protected void Check(Tensor x, params (Tensor? State, string Name)[] states)
    {
        string me = $"{Name}(input_size={InputSize}, hidden_size={HiddenSize})";
        if (x.DType != DType.Float32 || x.Rank != 2)
            throw new ArgumentException($"{me}: input must be float32 [batch, input_size] (2 dims), got {DTypes.Name(x.DType)} {ShapeUtil.Format(x.Dims)}");
        if (x.Dims[1] != InputSize) throw new ArgumentException($"{me}: input has {x.Dims[1]} features, expected {InputSize} (shape {ShapeUtil.Format(x.Dims)})");
        foreach (var (s, name) in states)
            if (s != null && (s.DType != DType.Float32 || s.Rank != 2 || s.Dims[0] != x.Dims[0] || s.Dims[1] != HiddenSize))
                throw new ArgumentException($"{me}: {name} must be [{x.Dims[0]}, {HiddenSize}] ([batch, hidden_size]), got {DTypes.Name(s.DType)} {ShapeUtil.Format(s.Dims)}");
    }

    public override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (BiasIh == null ? ", bias=False" : "");
}
