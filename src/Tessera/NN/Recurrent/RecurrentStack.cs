namespace Tessera.NN;

/// <summary>The four parameters of one (layer, direction) of a recurrent stack; biases are null when bias = false.</summary>
public sealed record RecurrentWeights(Parameter WeightIh, Parameter WeightHh, Parameter? BiasIh, Parameter? BiasHh);

/// <summary>
/// The shared body of <see cref="RNN"/>, <see cref="LSTM"/> and <see cref="GRU"/> (PyTorch's RNNBase): num_layers stacked
/// layers, each optionally bidirectional, over time-major input [T, N, input_size] ([N, T, input_size] with batch_first).
/// Layer k reads layer k−1's output (width D·H); each direction starts from its own initial-state slot k·D + d. States
/// are [num_layers·D, N, H] whatever batch_first says. Parameters under PyTorch's names, so its weights load directly.
/// </summary>
public abstract class RecurrentStack : Module
{
    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public bool HasBias { get; }
    public bool BatchFirst { get; }
    public bool Bidirectional { get; }
    /// <summary>Dropout probability on each layer's output except the last (training only), as PyTorch.</summary>
    public float Dropout { get; }

    /// <summary>Number of directions D (2 when bidirectional).</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Weights of (layer k, direction d) at index k·D + d.</summary>
    public IReadOnlyList<RecurrentWeights> Weights => _weights;
    private readonly List<RecurrentWeights> _weights = [];

    /// <summary>Registers the weights of every (layer, direction); <paramref name="gates"/> = row blocks of H rows per weight: 1 (RNN), 3 (GRU), 4 (LSTM).</summary>
    protected RecurrentStack(int gates, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst, float dropout, bool bidirectional)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"{Name}: input_size must be positive, got {inputSize}");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"{Name}: hidden_size must be positive, got {hiddenSize}");
        if (numLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numLayers), $"{Name}: num_layers must be positive, got {numLayers}");
        if (dropout < 0 || dropout > 1) throw new ArgumentOutOfRangeException(nameof(dropout), $"{Name}: dropout must be in [0, 1], got {dropout}");
        (InputSize, HiddenSize, NumLayers, HasBias, BatchFirst, Dropout, Bidirectional) = (inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
        int H = hiddenSize, D = Directions;
        for (int k = 0; k < numLayers; k++)
            for (int d = 0; d < D; d++)
            {
                string s = $"_l{k}" + (d == 1 ? "_reverse" : "");
                int layerInput = k == 0 ? inputSize : D * H;
                _weights.Add(new RecurrentWeights(
                    RegisterParameter("weight_ih" + s, Tensor.Empty(gates * H, layerInput)),
                    RegisterParameter("weight_hh" + s, Tensor.Empty(gates * H, H)),
                    bias ? RegisterParameter("bias_ih" + s, Tensor.Empty(gates * H)) : null,
                    bias ? RegisterParameter("bias_hh" + s, Tensor.Empty(gates * H)) : null));
            }
        ResetParameters();
    }

    /// <summary>PyTorch's default: every weight and bias U(−1/√H, 1/√H).</summary>
    public void ResetParameters()
    {
        double k = 1 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters()) Init.Uniform(p, -k, k);
    }

    /// <summary>The output sequence only ([T, N, D·H], or [N, T, D·H] with batch_first), from zero initial states.</summary>
    public abstract override Tensor Forward(Tensor x);

    /// <summary>Runs one direction of one layer: x [T, N, I_k], states [N, H] each (null: zeros) → [output, final states...].</summary>
    protected abstract Tensor[] RunDirection(Tensor x, Tensor?[] states, RecurrentWeights w, bool reverse, int[]? lengths);

    /// <summary>
    /// The whole stack: x, initial states (each [L·D, N, H] or null), lengths (int64 [N] or null)
    /// → output and the final states, each [L·D, N, H].
    /// </summary>
    protected (Tensor Output, Tensor[] Finals) RunStack(Tensor x, Tensor?[] initial, string[] stateNames, Tensor? lengths)
    {
        CheckInput(x);
        int N = x.Dims[BatchFirst ? 0 : 1], T = x.Dims[BatchFirst ? 1 : 0], D = Directions, H = HiddenSize;
        for (int j = 0; j < initial.Length; j++) CheckState(initial[j], stateNames[j], N);
        var lens = CheckLengths(lengths, T, N, x);
        var layerInput = BatchFirst ? F.Transpose(x, 0, 1) : x;
        var finals = new List<Tensor>[initial.Length];
        for (int j = 0; j < finals.Length; j++) finals[j] = [];
        for (int k = 0; k < NumLayers; k++)
        {
            var outputs = new Tensor[D];
            for (int d = 0; d < D; d++)
            {
                int slot = k * D + d;
                var states = initial.Select(s => s == null ? null : Slot(s, slot, N, H)).ToArray();
                var r = RunDirection(layerInput, states, _weights[slot], d == 1, lens);
                outputs[d] = r[0];
                for (int j = 0; j < finals.Length; j++) finals[j].Add(F.Unsqueeze(r[1 + j], 0));
            }
            layerInput = D == 1 ? outputs[0] : F.Cat(outputs, 2);
            if (k < NumLayers - 1 && Dropout > 0) layerInput = F.Dropout(layerInput, Dropout, Training);
        }
        var output = BatchFirst ? F.Transpose(layerInput, 0, 1) : layerInput;
        return (output, finals.Select(f => f.Count == 1 ? f[0] : F.Cat(f, 0)).ToArray());
    }

    /// <summary>State slot i of [L·D, N, H] as [N, H].</summary>
    private static Tensor Slot(Tensor s, int i, int n, int h) => s.Dims[0] == 1 ? F.Reshape(s, n, h) : F.Reshape(F.Narrow(s, 0, i, 1), n, h);

    /// <summary>Describes this layer for error messages, e.g. "LSTM(input_size=8, hidden_size=4)".</summary>
    protected string Describe() => $"{Name}(input_size={InputSize}, hidden_size={HiddenSize}" +
        (NumLayers != 1 ? $", num_layers={NumLayers}" : "") + (Bidirectional ? ", bidirectional=True" : "") + (BatchFirst ? ", batch_first=True" : "") + ")";

    private void CheckInput(Tensor x)
    {
        if (x.DType != DType.Float32) throw new ArgumentException($"{Describe()}: input must be float32, got {DTypes.Name(x.DType)} of shape {ShapeUtil.Format(x.Dims)}");
        string layout = BatchFirst ? "[batch, time, input_size]" : "[time, batch, input_size]";
        if (x.Rank != 3) throw new ArgumentException($"{Describe()}: input must be {layout} (3 dims), got shape {ShapeUtil.Format(x.Dims)}");
        if (x.Dims[2] != InputSize) throw new ArgumentException($"{Describe()}: input has {x.Dims[2]} features, expected {InputSize} (shape {ShapeUtil.Format(x.Dims)}, {layout})");
        if (x.Dims[0] == 0 || x.Dims[1] == 0) throw new ArgumentException($"{Describe()}: input is empty (shape {ShapeUtil.Format(x.Dims)}, {layout})");
    }

    private void CheckState(Tensor? s, string name, int n)
    {
        if (s == null) return;
        int[] want = [NumLayers * Directions, n, HiddenSize];
        if (s.DType != DType.Float32 || !ShapeUtil.SameShape(s.Dims, want))
            throw new ArgumentException($"{Describe()}: {name} must be float32 {ShapeUtil.Format(want)} ([num_layers·directions, batch, hidden_size]), got {DTypes.Name(s.DType)} {ShapeUtil.Format(s.Dims)}");
    }

    private int[]? CheckLengths(Tensor? lengths, int steps, int batch, Tensor x)
    {
        if (lengths == null) return null;
        if (lengths.DType != DType.Int64 || lengths.Rank != 1)
            throw new ArgumentException($"{Describe()}: lengths must be a 1-d int64 tensor [batch], got {DTypes.Name(lengths.DType)} {ShapeUtil.Format(lengths.Dims)}");
        var lens = lengths.LongData.ToArray().Select(v => (int)Math.Clamp(v, int.MinValue, int.MaxValue)).ToArray();
        F.CheckLengths(Describe(), lens, steps, batch, x);
        return lens;
    }

    public override string ExtraRepr()
    {
        var s = $"{InputSize}, {HiddenSize}";
        if (NumLayers != 1) s += $", num_layers={NumLayers}";
        if (!HasBias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Dropout != 0) s += $", dropout={Dropout}";
        if (Bidirectional) s += ", bidirectional=True";
        return s;
    }
}
