using System.Text.Json;
using Tessera.NN;
using Tessera.Optim;

namespace Tessera.Conformance;

/// <summary>The optimisation family (catalog/optim.md): optimisers, clipping and schedules, run as custom cases (no layer).</summary>
internal static class OptimOps
{
    public static void Register()
    {
        Opt("SGD", (ps, c) => new SGD(ps, c.Double("lr"), c.Double("momentum", 0), c.Double("dampening", 0), c.Double("weight_decay", 0), c.Bool("nesterov", false)));
        Opt("Adam", (ps, c) => new Adam(ps, c.Double("lr", 1e-3), Betas(c), c.Double("eps", 1e-8), c.Double("weight_decay", 0), c.Bool("amsgrad", false)));
        Opt("AdamW", (ps, c) => new AdamW(ps, c.Double("lr", 1e-3), Betas(c), c.Double("eps", 1e-8), c.Double("weight_decay", 0.01), c.Bool("amsgrad", false)));
        Opt("RMSprop", (ps, c) => new RMSprop(ps, c.Double("lr", 1e-2), c.Double("alpha", 0.99), c.Double("eps", 1e-8), c.Double("weight_decay", 0), c.Double("momentum", 0), c.Bool("centered", false)));
        Opt("Adagrad", (ps, c) => new Adagrad(ps, c.Double("lr", 1e-2), c.Double("lr_decay", 0), c.Double("weight_decay", 0), c.Double("initial_accumulator_value", 0), c.Double("eps", 1e-10)));
        Opt("Adadelta", (ps, c) => new Adadelta(ps, c.Double("lr", 1.0), c.Double("rho", 0.9), c.Double("eps", 1e-6), c.Double("weight_decay", 0)));

        OpRegistry.AddCustom("clip_grad_norm", (c, cfg) =>
        {
            var ps = Grads(c);
            var normType = cfg.Raw("norm_type");
            double p = normType.ValueKind == JsonValueKind.String && normType.GetString() == "inf" ? double.PositiveInfinity : cfg.Double("norm_type");
            double total = GradClip.ClipGradNorm(ps, cfg.Double("max_norm"), p);
            return CompareAll(c, ps.Select(x => x.Grad!).Append(Tensor.Scalar((float)total)).ToList());
        });
        OpRegistry.AddCustom("clip_grad_value", (c, cfg) =>
        {
            var ps = Grads(c);
            GradClip.ClipGradValue(ps, cfg.Double("clip_value"));
            return CompareAll(c, ps.Select(x => x.Grad!).ToList());
        });

        Sched("StepLR", (o, c) => new StepLR(o, c.Int("step_size"), c.Double("gamma", 0.1)));
        Sched("ExponentialLR", (o, c) => new ExponentialLR(o, c.Double("gamma")));
        Sched("CosineAnnealingLR", (o, c) => new CosineAnnealingLR(o, c.Int("T_max"), c.Double("eta_min", 0)));
        Sched("LinearLR", (o, c) => new LinearLR(o, c.Double("start_factor", 1.0 / 3), c.Double("end_factor", 1.0), c.Int("total_iters", 5)));
        Sched("OneCycleLR", (o, c) => new OneCycleLR(o, c.Double("max_lr"), c.Int("total_steps"), c.Double("pct_start", 0.3),
            c.String("anneal_strategy", "cos"), c.Double("div_factor", 25), c.Double("final_div_factor", 1e4), c.Bool("three_phase", false)));
    }

    private static (double, double) Betas(CaseConfig c)
    {
        if (!c.Has("betas")) { c.Accept("betas"); return (0.9, 0.999); }
        var b = c.Raw("betas").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        if (b.Length != 2) throw new ArgumentException($"betas must be a pair, got {b.Length} values");
        return (b[0], b[1]);
    }

    private static void Opt(string op, Func<List<Parameter>, CaseConfig, Optimizer> make) => OpRegistry.AddCustom(op, (c, cfg) =>
    {
        var order = cfg.Raw("param_order").EnumerateArray().Select(e => e.GetString()!).ToList();
        int steps = cfg.Int("steps");
        var ps = order.Select(n => new Parameter(c.Params.TryGetValue(n, out var t) ? t.Clone() : throw new ArgumentException($"params lacks '{n}' named in param_order"))).ToList();
        var opt = make(ps, cfg);
        if (c.Inputs.Count != steps * ps.Count) throw new ArgumentException($"{op}: {c.Inputs.Count} gradients given for {steps} steps of {ps.Count} parameters");
        var outs = new List<Tensor>();
        for (int s = 0; s < steps; s++)
        {
            opt.ZeroGrad();
            for (int i = 0; i < ps.Count; i++) ps[i].Grad = c.Inputs[s * ps.Count + i]!.Clone();
            opt.Step();
            outs.AddRange(ps.Select(p => p.Clone()));
        }
        return CompareAll(c, outs);
    });

    private static void Sched(string op, Func<Optimizer, CaseConfig, LRScheduler> make) => OpRegistry.AddCustom(op, (c, cfg) =>
    {
        int epochs = cfg.Int("epochs");
        var p = new Parameter(Tensor.Zeros(1));
        var opt = new SGD([p], cfg.Double("base_lr"));
        var sched = make(opt, cfg);
        var lrs = new float[epochs];
        for (int e = 0; e < epochs; e++) { lrs[e] = (float)opt.ParamGroups[0].Lr; sched.Step(); }
        return CompareAll(c, [Tensor.Wrap(lrs, epochs)]);
    });

    private static List<Parameter> Grads(ConformanceCase c) => c.Inputs.Select(g =>
    {
        var p = new Parameter(Tensor.Zeros(g!.Shape)) { Grad = g.Clone() };
        return p;
    }).ToList();

    private static List<string> CompareAll(ConformanceCase c, List<Tensor> actual)
    {
        var failures = new List<string>();
        if (actual.Count != c.Outputs.Count) { failures.Add($"{c.Name}: {actual.Count} outputs, expected {c.Outputs.Count}"); return failures; }
        for (int i = 0; i < actual.Count; i++) Runner.Compare(c, $"outputs[{i}]", c.Outputs[i], actual[i], failures);
        return failures;
    }
}
