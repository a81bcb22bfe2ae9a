namespace Tessera.NN;

/// <summary>y = x Wᵀ + b. Input [*, in_features], output [*, out_features]. Weight [out, in] as PyTorch.</summary>
public sealed class Linear : Module, Models.IFlopCounter
{
    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public Linear(int inFeatures, int outFeatures, bool bias = true)
    {
        if (inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear: in_features must be positive, got {inFeatures}");
        if (outFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), $"Linear: out_features must be positive, got {outFeatures}");
        InFeatures = inFeatures; OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Empty(outFeatures, inFeatures));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outFeatures)); else RegisterNullParameter("bias");
        ResetParameters();
    }

    /// <summary>PyTorch's default: kaiming-uniform(a=√5) weight, bias U(−1/√in, 1/√in).</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform(Weight, a: Math.Sqrt(5));
        if (Bias != null) { double b = 1 / Math.Sqrt(InFeatures); Init.Uniform(Bias, -b, b); }
    }

    public override Tensor Forward(Tensor x) => F.Linear(x, Weight, Bias);
    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Bias != null}";

    /// <summary>2·in·out per row, plus the bias adds.</summary>
    public long Flops(int[] inputShape, int[] outputShape) => (long)ShapeUtil.Numel(outputShape) * (2L * InFeatures - (Bias == null ? 1 : 0));
}
