namespace Tessera.NN;

/// <summary>
/// Layer normalisation (Ba et al. 2016) over the trailing <c>normalized_shape</c> dims, as torch.nn.LayerNorm:
/// y = (x − E[x]) / √(Var[x] + eps) · weight + bias (biased variance). Input [*, normalized_shape], same output shape.
/// weight (ones) and bias (zeros) [normalized_shape] exist when <c>elementwise_affine</c>.
/// </summary>
public sealed class LayerNorm : Module
{
    public int[] NormalizedShape { get; }
    public float Eps { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public LayerNorm(int normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true) : this([normalizedShape], eps, elementwiseAffine) { }

    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: normalized_shape must be non-empty and positive, got {ShapeUtil.Format(normalizedShape)}");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"LayerNorm: eps must be positive, got {eps}");
        NormalizedShape = (int[])normalizedShape.Clone(); Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(normalizedShape));
            Bias = RegisterParameter("bias", Tensor.Zeros(normalizedShape));
        }
        else { RegisterNullParameter("weight"); RegisterNullParameter("bias"); }
    }

    public override Tensor Forward(Tensor x) => F.LayerNorm(x, NormalizedShape, Weight, Bias, Eps);
    public override string ExtraRepr() => $"{ShapeUtil.Format(NormalizedShape)}, eps={Eps}, elementwise_affine={Weight != null}";
}
