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
        // float32 SIMD over the bulk (as PyTorch computes it), the same formula in scalar form for the tail.
        float fb1 = (float)b1, fb2 = (float)b2, c1 = (float)(1 - b1), c2 = (float)(1 - b2), fwd = (float)wd, decay = (float)(1 - lr * wd);
        float invBc2 = (float)(1 / bc2Sqrt), feps = (float)eps, fstep = (float)stepSize;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int w = System.Numerics.Vector<float>.Count;
            var vb1 = new System.Numerics.Vector<float>(fb1); var vb2 = new System.Numerics.Vector<float>(fb2);
            var vc1 = new System.Numerics.Vector<float>(c1); var vc2 = new System.Numerics.Vector<float>(c2);
            var vwd = new System.Numerics.Vector<float>(fwd); var vdecay = new System.Numerics.Vector<float>(decay);
            var vinv = new System.Numerics.Vector<float>(invBc2); var veps = new System.Numerics.Vector<float>(feps); var vstep = new System.Numerics.Vector<float>(fstep);
            for (; i <= p.Length - w; i += w)
            {
                var pi = new System.Numerics.Vector<float>(p[i..]); var gi = new System.Numerics.Vector<float>(grad[i..]);
                if (_decoupled) pi *= vdecay; else if (wd != 0) gi += vwd * pi;
                var mi = vb1 * new System.Numerics.Vector<float>(m.AsSpan(i)) + vc1 * gi;
                var vi = vb2 * new System.Numerics.Vector<float>(v.AsSpan(i)) + vc2 * gi * gi;
                mi.CopyTo(m.AsSpan(i)); vi.CopyTo(v.AsSpan(i));
                if (vmax != null) { vi = System.Numerics.Vector.Max(new System.Numerics.Vector<float>(vmax.AsSpan(i)), vi); vi.CopyTo(vmax.AsSpan(i)); }
                (pi - vstep * mi / (System.Numerics.Vector.SquareRoot(vi) * vinv + veps)).CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            float pi = p[i], gi = grad[i];
            if (_decoupled) pi *= decay; else gi += fwd * pi;
            float mi = fb1 * m[i] + c1 * gi, vi = fb2 * v[i] + c2 * gi * gi;
            m[i] = mi; v[i] = vi;
            if (vmax != null) { vi = Math.Max(vmax[i], vi); vmax[i] = vi; }
            p[i] = pi - fstep * mi / (MathF.Sqrt(vi) * invBc2 + feps);
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
