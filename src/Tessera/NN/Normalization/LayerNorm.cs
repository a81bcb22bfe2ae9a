namespace Tessera.NN;

/// <summary>
/// Layer normalisation (Ba et al. 2016), torch.nn.LayerNorm: μ and biased σ² over the trailing dims S of each
/// sample, y = (x − μ)/√(σ² + eps)·weight + bias. Independent of the batch, so train and eval agree; the norm of
/// transformers and recurrent nets. Input [*, S…], output the same shape; weight (ones) and bias (zeros) of shape S
/// if elementwise_affine.
/// </summary>
public sealed class LayerNorm : Module
{
    public int[] NormalizedShape { get; }
    public double Eps { get; }
    public bool ElementwiseAffine { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: normalized_shape must be a non-empty list of positive sizes, got {ShapeUtil.Format(normalizedShape)}");
        (NormalizedShape, Eps, ElementwiseAffine) = ((int[])normalizedShape.Clone(), eps, elementwiseAffine);
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(normalizedShape));
            Bias = RegisterParameter("bias", Tensor.Zeros(normalizedShape));
        }
        else { RegisterNullParameter("weight"); RegisterNullParameter("bias"); }
    }

    /// <summary>Normalises over the last dim of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true) : this([normalizedShape], eps, elementwiseAffine) { }

    public override Tensor Forward(Tensor x) => F.LayerNorm(x, NormalizedShape, Weight, Bias, Eps);
    public override string ExtraRepr() => $"{ShapeUtil.Format(NormalizedShape)}, eps={Eps}, elementwise_affine={ElementwiseAffine}";
}
