using Tessera.NN;

namespace Tessera.Conformance;

/// <summary>A built op ready to run a case: the module that owns its parameters and buffers (null for pure functions) and its call.</summary>
public sealed record BuiltOp(Module? Module, Func<Tensor?[], Tensor[]> Run);

/// <summary>Builds an op from a case's config and mode ("train"/"eval").</summary>
public delegate BuiltOp OpBuilder(CaseConfig config, bool training);

/// <summary>Runs a case that has no layer (optimisers, schedules) and returns the failures found.</summary>
public delegate List<string> CustomCaseRunner(ConformanceCase c, CaseConfig config);

/// <summary>Catalog op names → builders. Each family registers its ops in its own file (FcOps, ...).</summary>
public static class OpRegistry
{
    private static readonly Dictionary<string, OpBuilder> Builders = [];
    private static readonly Dictionary<string, CustomCaseRunner> Custom = [];

    static OpRegistry()
    {
        FcOps.Register();
        OptimOps.Register();
        ConvOps.Register();
        BlocksOps.Register();
        AttentionOps.Register();
        RecurrentOps.Register();
    }

    public static void Add(string op, OpBuilder builder) => Builders[op] = builder;
    public static void AddCustom(string op, CustomCaseRunner runner) => Custom[op] = runner;

    public static bool TryGet(string op, out OpBuilder builder) => Builders.TryGetValue(op, out builder!);
    public static bool TryGetCustom(string op, out CustomCaseRunner runner) => Custom.TryGetValue(op, out runner!);
    public static IEnumerable<string> Known => Builders.Keys.Concat(Custom.Keys).OrderBy(k => k);

    /// <summary>A module-backed op whose Forward takes one input.</summary>
    public static BuiltOp Layer(Module m) => new(m, xs => [m.Forward(Input(xs, 0, m.Name))]);

    /// <summary>The i-th input, which the catalog requires.</summary>
    public static Tensor Input(Tensor?[] xs, int i, string op)
        => i < xs.Length && xs[i] is Tensor t ? t : throw new ArgumentException($"{op}: input {i} is required");
}
