namespace Tessera.NN;

/// <summary>
/// The closed-form linear readout of reservoir computing (Lukoševičius 2012, eq. 9): W_out = Y·Xᵀ·(X·Xᵀ + β·I)⁻¹, solved
/// by Cholesky in float64 rather than by forming the inverse. X [features, T] is the design matrix (columns such as
/// [1; u(n); x(n)]), Y [outputs, T] the targets → W_out [outputs, features]; predict with W_out·X. No parameters, no gradient.
/// </summary>
public sealed class RidgeReadout : Module
{
    /// <summary>β &gt; 0, the ridge penalty on every weight (the constant row's included).</summary>
    public double Beta { get; }

    public RidgeReadout(double beta)
    {
        if (!(beta > 0)) throw new ArgumentOutOfRangeException(nameof(beta), $"RidgeReadout: beta must be positive, got {beta}");
        Beta = beta;
    }

    /// <summary>X [features, T], Y [outputs, T] → W_out [outputs, features].</summary>
    public Tensor Forward(Tensor x, Tensor y) => F.RidgeRegression(x, y, Beta);

    public override string ExtraRepr() => $"beta={Beta}";
}
