namespace Tessera.NN;

/// <summary>y_k = x1ᵀ W_k x2 + b_k. Inputs [*, in1] and [*, in2], output [*, out]. Weight [out, in1, in2].</summary>
public sealed class Bilinear : Module
{
    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public int In1Features { get; }
    public int In2Features { get; }
    public int OutFeatures { get; }

    public Bilinear(int in1Features, int in2Features, int outFeatures, bool bias = true)
    {
        if (in1Features <= 0 || in2Features <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(in1Features), $"Bilinear: feature sizes must be positive, got in1={in1Features}, in2={in2Features}, out={outFeatures}");
        (In1Features, In2Features, OutFeatures) = (in1Features, in2Features, outFeatures);
        Weight = RegisterParameter("weight", Tensor.Empty(outFeatures, in1Features, in2Features));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outFeatures)); else RegisterNullParameter("bias");
        // PyTorch: U(−1/√in1, 1/√in1) for both.
        double b = 1 / Math.Sqrt(in1Features);
        Init.Uniform(Weight, -b, b);
        if (Bias != null) Init.Uniform(Bias, -b, b);
    }

    public Tensor Forward(Tensor x1, Tensor x2) => F.Bilinear(x1, x2, Weight, Bias);
    public override string ExtraRepr() => $"in1_features={In1Features}, in2_features={In2Features}, out_features={OutFeatures}, bias={Bias != null}";
}
