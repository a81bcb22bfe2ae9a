using Tessera.NN;

namespace Tessera.Optim;

/// <summary>
/// Adadelta (Zeiler 2012), as torch.optim.Adadelta: s = ρs + (1−ρ)g²; Δ = √(u + eps)/√(s + eps)·g; u = ρu + (1−ρ)Δ²; p −= lr·Δ.
/// </summary>
public sealed class Adadelta : Optimizer
{
    public Adadelta(IEnumerable<Parameter> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0)
        : this(One(parameters), lr, rho, eps, weightDecay) { }

    public Adadelta(IEnumerable<ParamGroup> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0)
        : base(groups, new() { ["lr"] = lr, ["rho"] = rho, ["eps"] = eps, ["weight_decay"] = weightDecay }) { }

    protected override void Validate(ParamGroup g)
    {
        base.Validate(g);
        if (!(g["rho"] >= 0 && g["rho"] <= 1)) throw new ArgumentException($"Adadelta: invalid rho {g["rho"]} (must be in [0, 1])");
    }

    protected override void Update(Span<float> p, ReadOnlySpan<float> grad, ParamState st, ParamGroup g)
    {
        double lr = g.Lr, rho = g["rho"], eps = g["eps"], wd = g["weight_decay"];
        var s = st.Buffer("square_avg", p.Length); var u = st.Buffer("acc_delta", p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            double gi = grad[i] + wd * p[i];
            double si = rho * s[i] + (1 - rho) * gi * gi; s[i] = (float)si;
            double delta = Math.Sqrt(u[i] + eps) / Math.Sqrt(si + eps) * gi;
            u[i] = (float)(rho * u[i] + (1 - rho) * delta * delta);
            p[i] = (float)(p[i] - lr * delta);
        }
    }
}
