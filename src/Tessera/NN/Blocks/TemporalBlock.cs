namespace Tessera.NN;

/// <summary>
/// Temporal convolutional network residual block (Bai, Kolter &amp; Koltun 2018), without weight normalisation and
/// dropout: two dilated causal convolutions (zero padding of (k−1)·d on the left only, so y[t] depends on x[≤ t] and
/// the length is kept), each followed by ReLU, plus a residual (a 1×1 conv when the channel count changes):
/// y = relu(relu(causal2(relu(causal1(x)))) + res). Input [N, n_inputs, L], output [N, n_outputs, L].
/// </summary>
public sealed class TemporalBlock : Module
{
    public int NInputs { get; }
    public int KernelSize { get; }
    public int Dilation { get; }
    public Conv1d Conv1 { get; }
    public Conv1d Conv2 { get; }
    /// <summary>1×1 conv with bias on the residual path, when n_inputs ≠ n_outputs.</summary>
    public Conv1d? Downsample { get; }

    public TemporalBlock(int nInputs, int nOutputs, int kernelSize, int dilation = 1)
    {
        if (kernelSize <= 0 || dilation <= 0) throw new ArgumentException($"TemporalBlock: kernel_size ({kernelSize}) and dilation ({dilation}) must be positive");
        (NInputs, KernelSize, Dilation) = (nInputs, kernelSize, dilation);
        Conv1 = RegisterModule("conv1", new Conv1d(nInputs, nOutputs, kernelSize, dilation: dilation));
        Conv2 = RegisterModule("conv2", new Conv1d(nOutputs, nOutputs, kernelSize, dilation: dilation));
        if (nInputs != nOutputs) Downsample = RegisterModule("downsample", new Conv1d(nInputs, nOutputs, 1));
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 3 || x.Dims[1] != NInputs)
            throw new ArgumentException($"TemporalBlock(n_inputs={NInputs}): input must be [N, {NInputs}, L], got shape {ShapeUtil.Format(x.Dims)}");
        var h = F.Relu(Conv1.Forward(CausalPad(x)));
        h = F.Relu(Conv2.Forward(CausalPad(h)));
        var res = Downsample == null ? x : Downsample.Forward(x);
        return F.Relu(F.Add(h, res));
    }

    /// <summary>Zeros on the left of the time axis: (k−1)·d steps, so the conv output keeps the input's length.</summary>
    private Tensor CausalPad(Tensor z) => KernelSize == 1 ? z : F.Pad(z, [(KernelSize - 1) * Dilation, 0]);

    public override string ExtraRepr() => $"kernel_size={KernelSize}, dilation={Dilation}";
}
