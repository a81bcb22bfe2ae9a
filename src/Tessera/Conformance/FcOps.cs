using Tessera.NN;

namespace Tessera.Conformance;

/// <summary>The fully connected family of the catalog (catalog/fc.md): dense layers, activations, softmax, embedding, losses, functional ops.</summary>
internal static class FcOps
{
    public static void Register()
    {
        OpRegistry.Add("Linear", (c, _) => OpRegistry.Layer(new Linear(c.Int("in_features"), c.Int("out_features"), c.Bool("bias", true))));
        OpRegistry.Add("Bilinear", (c, _) =>
        {
            var m = new Bilinear(c.Int("in1_features"), c.Int("in2_features"), c.Int("out_features"), c.Bool("bias", true));
            return new BuiltOp(m, xs => [m.Forward(OpRegistry.Input(xs, 0, "Bilinear"), OpRegistry.Input(xs, 1, "Bilinear"))]);
        });

        Act("ReLU", _ => new ReLU());
        Act("Sigmoid", _ => new Sigmoid());
        Act("Tanh", _ => new Tanh());
        Act("Identity", _ => new Identity());
        Act("Step", _ => new Step());
        Act("Sign", _ => new Sign());
        Act("LeakyReLU", c => new LeakyReLU(c.Float("negative_slope", 0.01f)));
        Act("ELU", c => new ELU(c.Float("alpha", 1f)));
        Act("GELU", c => new GELU(c.String("approximate", "none")));
        Act("SiLU", _ => new SiLU());
        Act("Softplus", c => new Softplus(c.Float("beta", 1f), c.Float("threshold", 20f)));
        Act("Hardtanh", c => new Hardtanh(c.Float("min_val", -1f), c.Float("max_val", 1f)));
        Act("ReLU6", _ => new ReLU6());
        Act("SELU", _ => new SELU());
        Act("Mish", _ => new Mish());
        Act("Softsign", _ => new Softsign());
        Act("PReLU", c => new PReLU(c.Int("num_parameters", 1), c.Float("init", 0.25f)));
        Act("Softmax", c => new Softmax(c.Int("dim")));
        Act("LogSoftmax", c => new LogSoftmax(c.Int("dim")));
        Act("Embedding", c => new Embedding(c.Int("num_embeddings"), c.Int("embedding_dim"), c.IntOrNull("padding_idx")));

        Loss("CrossEntropyLoss", c => new CrossEntropyLoss(Red(c), c.Float("label_smoothing", 0f), c.Long("ignore_index", -100)));
        Loss("NLLLoss", c => new NLLLoss(Red(c), c.Long("ignore_index", -100)));
        Loss("MSELoss", c => new MSELoss(Red(c)));
        Loss("L1Loss", c => new L1Loss(Red(c)));
        Loss("SmoothL1Loss", c => new SmoothL1Loss(Red(c), c.Float("beta", 1f)));
        Loss("HuberLoss", c => new HuberLoss(Red(c), c.Float("delta", 1f)));
        Loss("BCELoss", c => new BCELoss(Red(c)));
        Loss("BCEWithLogitsLoss", c => new BCEWithLogitsLoss(Red(c)));
        Loss("KLDivLoss", c => new KLDivLoss(Red(c), c.Bool("log_target", false)));

        Fn("matmul", _ => xs => [F.Matmul(xs[0], xs[1])]);
        Fn("add", _ => xs => [F.Add(xs[0], xs[1])]);
        Fn("sub", _ => xs => [F.Sub(xs[0], xs[1])]);
        Fn("mul", _ => xs => [F.Mul(xs[0], xs[1])]);
        Fn("div", _ => xs => [F.Div(xs[0], xs[1])]);
        Fn("sum", c => { var d = Dims(c); var k = c.Bool("keepdim", false); return xs => [d == null ? F.Sum(xs[0]) : F.Sum(xs[0], d, k)]; });
        Fn("mean", c => { var d = Dims(c); var k = c.Bool("keepdim", false); return xs => [d == null ? F.Mean(xs[0]) : F.Mean(xs[0], d, k)]; });
        Fn("max", c =>
        {
            if (!c.Has("dim")) { c.Accept("dim"); c.Accept("keepdim"); return xs => [F.Max(xs[0])]; }
            int d = c.Int("dim"); bool k = c.Bool("keepdim", false);
            return xs => { var (v, i) = F.Max(xs[0], d, k); return [v, i]; };
        });
        Fn("permute_reshape", c => { var p = c.Ints("dims"); var s = c.Ints("shape"); return xs => [F.Reshape(F.Permute(xs[0], p), s)]; });
        Fn("cat", c => { int d = c.Int("dim", 0); return xs => [F.Cat(xs.Where(x => x != null).Select(x => x!).ToList(), d)]; });
        Fn("exp_log_sqrt", _ => xs => [F.Exp(xs[0]), F.Log(xs[0]), F.Sqrt(xs[0])]);
    }

    private static int[]? Dims(CaseConfig c) => c.Has("dim") ? c.Ints("dim") : Accept(c, "dim");
    private static int[]? Accept(CaseConfig c, string key) { c.Accept(key); return null; }

    private static Reduction Red(CaseConfig c) => F.ParseReduction(c.String("reduction", "mean"));

    private static void Act(string op, Func<CaseConfig, Module> make) => OpRegistry.Add(op, (c, _) => OpRegistry.Layer(make(c)));

    private static void Loss(string op, Func<CaseConfig, NN.Loss> make) => OpRegistry.Add(op, (c, _) =>
    {
        var m = make(c);
        return new BuiltOp(m, xs => [m.Forward(OpRegistry.Input(xs, 0, op), OpRegistry.Input(xs, 1, op))]);
    });

    private static void Fn(string op, Func<CaseConfig, Func<Tensor[], Tensor[]>> make) => OpRegistry.Add(op, (c, _) =>
    {
        var f = make(c);
        return new BuiltOp(null, xs => f(xs.Select((x, i) => x ?? throw new ArgumentException($"{op}: input {i} is required")).ToArray()));
    });
}
