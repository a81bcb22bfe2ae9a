using Tessera.NN;

namespace Tessera.Optim;

/// <summary>
/// Stochastic gradient descent with momentum (Polyak 1964), dampening, Nesterov momentum (Sutskever et al. 2013)
/// and L2 weight decay, as torch.optim.SGD: g += wd·p; b = g (first step) or μb + (1−τ)g; g = g + μb (Nesterov) or b; p −= lr·g.
/// </summary>
public sealed class SGD : Optimizer
{
    public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : this(One(parameters), lr, momentum, dampening, weightDecay, nesterov) { }

    public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(groups, new() { ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay, ["nesterov"] = nesterov ? 1 : 0 }) { }

    protected override void Validate(ParamGroup g)
    {
        base.Validate(g);
        if (g["momentum"] < 0) throw new ArgumentException($"SGD: invalid momentum {g["momentum"]}");
        if (g["nesterov"] != 0 && (g["momentum"] <= 0 || g["dampening"] != 0)) throw new ArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening");
    }

    protected override void Update(Span<float> p, ReadOnlySpan<float> grad, ParamState st, ParamGroup g)
    {
        double lr = g.Lr, mu = g["momentum"], damp = g["dampening"], wd = g["weight_decay"];
        bool nesterov = g["nesterov"] != 0;
        if (mu == 0)
        {
            // Plain SGD, vectorised: p ← p·(1 − lr·wd) − lr·g.
            if (wd != 0) System.Numerics.Tensors.TensorPrimitives.Multiply(p, (float)(1 - lr * wd), p);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(grad, (float)-lr, p, p);
            return;
        }
        float[]? buf = null; bool first = false;
        if (mu != 0) { first = !st.Buffers.ContainsKey("momentum_buffer"); buf = st.Buffer("momentum_buffer", p.Length); }
        for (int i = 0; i < p.Length; i++)
        {
            double d = grad[i] + wd * p[i];
            if (buf != null)
            {
                double b = first ? d : mu * buf[i] + (1 - damp) * d;
                buf[i] = (float)b;
                d = nesterov ? d + mu * b : b;
            }
            p[i] = (float)(p[i] - lr * d);
        }
    }
}
