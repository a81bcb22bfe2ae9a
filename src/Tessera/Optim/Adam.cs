using Tessera.NN;

namespace Tessera.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with optional AMSGrad (Reddi et al. 2018) and L2 weight decay, as torch.optim.Adam:
/// m = β1m + (1−β1)g; v = β2v + (1−β2)g²; p −= lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + eps).
/// AdamW is the same update after decoupled decay p *= 1 − lr·wd (Loshchilov &amp; Hutter 2019).
/// </summary>
public class Adam : Optimizer
{
    private readonly bool _decoupled;

    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(One(parameters), lr, betas, eps, weightDecay, amsgrad) { }

    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(groups, lr, betas, eps, weightDecay, amsgrad, decoupled: false) { }

    protected Adam(IEnumerable<ParamGroup> groups, double lr, (double, double)? betas, double eps, double weightDecay, bool amsgrad, bool decoupled)
        : base(groups, new()
        {
            ["lr"] = lr, ["beta1"] = (betas ?? (0.9, 0.999)).Item1, ["beta2"] = (betas ?? (0.9, 0.999)).Item2,
            ["eps"] = eps, ["weight_decay"] = weightDecay, ["amsgrad"] = amsgrad ? 1 : 0,
        })
    { _decoupled = decoupled; }

    protected override void Validate(ParamGroup g)
    {
        base.Validate(g);
        foreach (var k in new[] { "beta1", "beta2" })
            if (!(g[k] >= 0 && g[k] < 1)) throw new ArgumentException($"{GetType().Name}: invalid {k} {g[k]} (must be in [0, 1))");
    }

    protected override void Update(Span<float> p, ReadOnlySpan<float> grad, ParamState st, ParamGroup g)
    {
        double lr = g.Lr, b1 = g["beta1"], b2 = g["beta2"], eps = g["eps"], wd = g["weight_decay"];
        bool ams = g["amsgrad"] != 0;
        var m = st.Buffer("exp_avg", p.Length); var v = st.Buffer("exp_avg_sq", p.Length);
        var vmax = ams ? st.Buffer("max_exp_avg_sq", p.Length) : null;
        int t = st.Step;
        double bc1 = 1 - Math.Pow(b1, t), bc2Sqrt = Math.Sqrt(1 - Math.Pow(b2, t)), stepSize = lr / bc1;
        for (int i = 0; i < p.Length; i++)
        {
            double pi = p[i], gi = grad[i];
            if (_decoupled) pi *= 1 - lr * wd;
            else gi += wd * pi;
            double mi = b1 * m[i] + (1 - b1) * gi, vi = b2 * v[i] + (1 - b2) * gi * gi;
            m[i] = (float)mi; v[i] = (float)vi;
            if (vmax != null) { vi = Math.Max(vmax[i], vi); vmax[i] = (float)vi; }
            p[i] = (float)(pi - stepSize * mi / (Math.Sqrt(vi) / bc2Sqrt + eps));
        }
    }
}

/// <summary>Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019), as torch.optim.AdamW (default weight_decay 0.01).</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
        : base(One(parameters), lr, betas, eps, weightDecay, amsgrad, decoupled: true) { }

    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
        : base(groups, lr, betas, eps, weightDecay, amsgrad, decoupled: true) { }
}
