namespace Tessera.NN;

/// <summary>
/// Convolutional LSTM (Shi et al. 2015): an LSTM whose state is a stack of feature maps and whose matrix products are
/// convolutions, so it models where things move as well as when. One "same"-padded convolution over cat([x_t, h_{t−1}], dim 1)
/// gives the gate maps A = [A_i|A_f|A_g|A_o] (4·Hc channels); i = σ(A_i + w_ci ⊙ c_{t−1}), f = σ(A_f + w_cf ⊙ c_{t−1}),
/// g = tanh(A_g), c_t = f ⊙ c_{t−1} + i ⊙ g, o = σ(A_o + w_co ⊙ c_t), h_t = o ⊙ tanh(c_t) (the Hadamard peephole terms w_c* [Hc, H, W]
/// only with <see cref="Peephole"/>). x [T, N, C, H, W] ([N, T, C, H, W] with batch_first), h0, c0 [N, Hc, H, W]
/// → output [T, N, Hc, H, W], h_n, c_n [N, Hc, H, W]. Parameters conv.weight [4Hc, C + Hc, kh, kw], conv.bias [4Hc].
/// </summary>
public sealed class ConvLSTM2d : Module
{
    public int InputChannels { get; }
    public int HiddenChannels { get; }
    public bool Peephole { get; }
    public bool BatchFirst { get; }
    /// <summary>The spatial size [H, W] the layer was built for (null: any size; required with peepholes, which have that shape).</summary>
    public Size2? InputSize { get; }
    /// <summary>The gate convolution: input channels 0..C−1 read x_t, C..C+Hc−1 read h_{t−1}.</summary>
    public Conv2d Conv { get; }
    public Parameter? WeightCi { get; }
    public Parameter? WeightCf { get; }
    public Parameter? WeightCo { get; }

    /// <summary><paramref name="padding"/> defaults to (k − 1)/2 per dim, which keeps the spatial size (the recurrence needs it; kernels must be odd).</summary>
    public ConvLSTM2d(int inputChannels, int hiddenChannels, Size2 kernelSize, Size2? padding = null, bool peephole = false, bool batchFirst = false, Size2? inputSize = null)
    {
        if (inputChannels <= 0 || hiddenChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputChannels), $"ConvLSTM2d: input_channels and hidden_channels must be positive, got {inputChannels} and {hiddenChannels}");
        var pad = padding ?? new Size2((kernelSize.H - 1) / 2, (kernelSize.W - 1) / 2);
        if (kernelSize.H % 2 == 0 || kernelSize.W % 2 == 0 || 2 * pad.H != kernelSize.H - 1 || 2 * pad.W != kernelSize.W - 1)
            throw new ArgumentException($"ConvLSTM2d: kernel_size {kernelSize} with padding {pad} does not keep the spatial size; use odd kernels and padding (k − 1)/2");
        if (peephole && inputSize == null) throw new ArgumentException("ConvLSTM2d: peephole weights need input_size [H, W]");
        (InputChannels, HiddenChannels, Peephole, BatchFirst, InputSize) = (inputChannels, hiddenChannels, peephole, batchFirst, inputSize);
        Conv = RegisterModule("conv", new Conv2d(inputChannels + hiddenChannels, 4 * hiddenChannels, kernelSize, padding: pad));
        if (peephole)
        {
            var (h, w) = inputSize!.Value;
            WeightCi = RegisterParameter("weight_ci", Tensor.Empty(hiddenChannels, h, w));
            WeightCf = RegisterParameter("weight_cf", Tensor.Empty(hiddenChannels, h, w));
            WeightCo = RegisterParameter("weight_co", Tensor.Empty(hiddenChannels, h, w));
        }
        ResetParameters();
    }

    /// <summary>The convolution keeps PyTorch's Conv2d default; peepholes U(−1/√Hc, 1/√Hc).</summary>
    public void ResetParameters()
    {
        Conv.ResetParameters();
        double k = 1 / Math.Sqrt(HiddenChannels);
        foreach (var p in new[] { WeightCi, WeightCf, WeightCo }) if (p != null) Init.Uniform(p, -k, k);
    }

    public override Tensor Forward(Tensor x) => Forward(x, null, null).Output;

    /// <summary>x [T, N, C, H, W] (batch_first: [N, T, C, H, W]); h0, c0 [N, Hc, H, W] or null (zeros) → all hidden states [T, N, Hc, H, W], h_n, c_n.</summary>
    public (Tensor Output, Tensor HN, Tensor CN) Forward(Tensor x, Tensor? h0, Tensor? c0)
    {
        string me = $"ConvLSTM2d(input_channels={InputChannels}, hidden_channels={HiddenChannels})";
        string layout = BatchFirst ? "[batch, time, channels, height, width]" : "[time, batch, channels, height, width]";
        if (x.DType != DType.Float32 || x.Rank != 5) throw new ArgumentException($"{me}: input must be float32 {layout} (5 dims), got {DTypes.Name(x.DType)} {ShapeUtil.Format(x.Dims)}");
        if (x.Dims[2] != InputChannels) throw new ArgumentException($"{me}: input has {x.Dims[2]} channels, expected {InputChannels} (shape {ShapeUtil.Format(x.Dims)}, {layout})");
        int N = x.Dims[BatchFirst ? 0 : 1], H = x.Dims[3], W = x.Dims[4];
        if (InputSize is Size2 s && (s.H != H || s.W != W)) throw new ArgumentException($"{me}: input is {H}×{W}, but the layer was built for input_size {s} (shape {ShapeUtil.Format(x.Dims)})");
        int[] stateShape = [N, HiddenChannels, H, W];
        SequenceChecks.State(me, h0, "h0", stateShape, "[batch, hidden_channels, height, width]");
        SequenceChecks.State(me, c0, "c0", stateShape, "[batch, hidden_channels, height, width]");

        var steps = F.Unbind(BatchFirst ? F.Transpose(x, 0, 1) : x, 0);
        var h = h0 ?? Tensor.Zeros(stateShape);
        var c = c0 ?? Tensor.Zeros(stateShape);
        var outputs = new Tensor[steps.Length];
        for (int t = 0; t < steps.Length; t++)
        {
            var a = F.Chunk(Conv.Forward(F.Cat([steps[t], h], 1)), 4, 1);
            var (ai, af, ag, ao) = (a[0], a[1], a[2], a[3]);
            if (Peephole) { ai = ai + WeightCi! * c; af = af + WeightCf! * c; }
            c = F.Sigmoid(af) * c + F.Sigmoid(ai) * F.Tanh(ag);
            if (Peephole) ao = ao + WeightCo! * c;
            h = F.Sigmoid(ao) * F.Tanh(c);
            outputs[t] = h;
        }
        var output = F.Stack(outputs, 0);
        return (BatchFirst ? F.Transpose(output, 0, 1) : output, h, c);
    }

    public override string ExtraRepr() => $"{InputChannels}, {HiddenChannels}, kernel_size={ShapeUtil.Format(Conv.KernelSize)}" +
        (Peephole ? ", peephole=True" : "") + (BatchFirst ? ", batch_first=True" : "");
}
