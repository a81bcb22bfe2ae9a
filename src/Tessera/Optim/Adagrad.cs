using Tessera.NN;

namespace Tessera.Optim;

/// <summary>
/// Adagrad (Duchi et al. 2011), as torch.optim.Adagrad: clr = lr / (1 + (t−1)·lr_decay); s += g²; p −= clr·g/(√s + eps).
/// The accumulator starts at initial_accumulator_value.
/// </summary>
public sealed class Adagrad : Optimizer
{
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : this(One(parameters), lr, lrDecay, weightDecay, initialAccumulatorValue, eps) { }

    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : base(groups, new() { ["lr"] = lr, ["lr_decay"] = lrDecay, ["weight_decay"] = weightDecay, ["initial_accumulator_value"] = initialAccumulatorValue, ["eps"] = eps }) { }

    protected override void Validate(ParamGroup g)
    {
        base.Validate(g);
        if (!(g["lr_decay"] >= 0)) throw new ArgumentException($"Adagrad: invalid lr_decay {g["lr_decay"]}");
        if (!(g["initial_accumulator_value"] >= 0)) throw new ArgumentException($"Adagrad: invalid initial_accumulator_value {g["initial_accumulator_value"]}");
    }

    protected override void Update(Span<float> p, ReadOnlySpan<float> grad, ParamState st, ParamGroup g)
    {
        double lr = g.Lr, decay = g["lr_decay"], wd = g["weight_decay"], eps = g["eps"];
        var s = st.Buffer("sum", p.Length, (float)g["initial_accumulator_value"]);
        double clr = lr / (1 + (st.Step - 1) * decay);
        for (int i = 0; i < p.Length; i++)
        {
            double gi = grad[i] + wd * p[i];
            double si = s[i] + gi * gi; s[i] = (float)si;
            p[i] = (float)(p[i] - clr * gi / (Math.Sqrt(si) + eps));
        }
    }
}
