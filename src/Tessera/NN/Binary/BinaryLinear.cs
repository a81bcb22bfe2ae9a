namespace Tessera.NN;

/// <summary>
/// Binary-weight fully connected layer (BWN of XNOR-Net, Rastegari et al. 2016, applied to Linear):
/// y = x·W_bᵀ + b with W_b[o, :] = mean|W[o, :]|·sign(W[o, :]); the real weight W is what the optimiser updates
/// (straight-through estimator, see <see cref="F.BinarizeWeight"/>). Input [*, in], output [*, out];
/// weight [out, in], bias [out] as <see cref="Linear"/>.
/// </summary>
public sealed class BinaryLinear : Module
{
    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public BinaryLinear(int inFeatures, int outFeatures, bool bias = true)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"BinaryLinear: in_features and out_features must be positive, got {inFeatures} and {outFeatures}");
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        Weight = RegisterParameter("weight", Tensor.Empty(outFeatures, inFeatures));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outFeatures)); else RegisterNullParameter("bias");
        ResetParameters();
    }

    /// <summary>Linear's default initialisation (kaiming-uniform(a=√5) weight, bias U(−1/√in, 1/√in)).</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform(Weight, a: Math.Sqrt(5));
        if (Bias != null) { double b = 1 / Math.Sqrt(InFeatures); Init.Uniform(Bias, -b, b); }
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank == 0 || x.Dims[^1] != InFeatures)
            throw new ArgumentException($"BinaryLinear(in_features={InFeatures}): input has {(x.Rank == 0 ? 0 : x.Dims[^1])} features in its last dim (shape {ShapeUtil.Format(x.Dims)})");
        return F.Linear(x, F.BinarizeWeight(Weight), Bias);
    }

    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Bias != null}";
}
