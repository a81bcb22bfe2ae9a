namespace Tessera;

public static partial class F
{
    /// <summary>log σ(x) = min(x, 0) − log(1 + e^−|x|), finite for any x (no log of an underflowed σ).</summary>
    public static Tensor LogSigmoid(Tensor x) => Unary(x, "log_sigmoid",
        (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = LogSigmoidValue(s[i]); },
        (x, y, g) => Zip(g, x, (gv, xv) => gv * SigmoidValue(-xv)));   // d/dx log σ(x) = σ(−x)

    internal static float LogSigmoidValue(float x) => MathF.Min(x, 0) - MathF.Log(1 + MathF.Exp(-MathF.Abs(x)));

    internal static float SigmoidValue(float x) => x >= 0 ? 1 / (1 + MathF.Exp(-x)) : MathF.Exp(x) / (1 + MathF.Exp(x));
}
