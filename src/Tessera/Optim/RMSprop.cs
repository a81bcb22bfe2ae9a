using Tessera.NN;

namespace Tessera.Optim;

/// <summary>
/// RMSprop (Tieleman &amp; Hinton 2012; centered variant Graves 2013), as torch.optim.RMSprop:
/// s = αs + (1−α)g²; d = √(s − ḡ²) + eps (centered) or √s + eps; with momentum b = μb + g/d, p −= lr·b; else p −= lr·g/d.
/// </summary>
public sealed class RMSprop : Optimizer
{
    public RMSprop(IEnumerable<Parameter> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : this(One(parameters), lr, alpha, eps, weightDecay, momentum, centered) { }

    public RMSprop(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(groups, new() { ["lr"] = lr, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum"] = momentum, ["centered"] = centered ? 1 : 0 }) { }

    protected override void Validate(ParamGroup g)
    {
        base.Validate(g);
        if (!(g["alpha"] >= 0)) throw new ArgumentException($"RMSprop: invalid alpha {g["alpha"]}");
        if (!(g["momentum"] >= 0)) throw new ArgumentException($"RMSprop: invalid momentum {g["momentum"]}");
    }

    protected override void Update(Span<float> p, ReadOnlySpan<float> grad, ParamState st, ParamGroup g)
    {
        double lr = g.Lr, a = g["alpha"], eps = g["eps"], wd = g["weight_decay"], mu = g["momentum"];
        bool centered = g["centered"] != 0;
        var s = st.Buffer("square_avg", p.Length);
        var gavg = centered ? st.Buffer("grad_avg", p.Length) : null;
        var buf = mu > 0 ? st.Buffer("momentum_buffer", p.Length) : null;
        for (int i = 0; i < p.Length; i++)
        {
            double gi = grad[i] + wd * p[i];
            double si = a * s[i] + (1 - a) * gi * gi; s[i] = (float)si;
            double avg;
            if (gavg != null) { double ga = a * gavg[i] + (1 - a) * gi; gavg[i] = (float)ga; avg = Math.Sqrt(si - ga * ga) + eps; }
            else avg = Math.Sqrt(si) + eps;
            if (buf != null) { double b = mu * buf[i] + gi / avg; buf[i] = (float)b; p[i] = (float)(p[i] - lr * b); }
            else p[i] = (float)(p[i] - lr * gi / avg);
        }
    }
}
