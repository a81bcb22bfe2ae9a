using System.Globalization;
using Tessera.NN;

namespace Tessera.Optim;

/// <summary>
/// Base of optimisers: walks the parameter groups and calls one per-parameter update (MLX/PyTorch style), keeping
/// state under PyTorch's keys so it can be saved and restored with the model.
/// </summary>
public abstract class Optimizer
{
    private readonly Dictionary<Parameter, ParamState> _state = [];

    public List<ParamGroup> ParamGroups { get; } = [];

    /// <summary>Default hyper-parameters, filled into groups that do not set them.</summary>
    protected IReadOnlyDictionary<string, double> Defaults { get; }

    protected Optimizer(IEnumerable<ParamGroup> groups, Dictionary<string, double> defaults)
    {
        Defaults = defaults;
        foreach (var g in groups) AddParamGroup(g);
        if (ParamGroups.Count == 0 || ParamGroups.All(g => g.Parameters.Count == 0))
            throw new ArgumentException($"{GetType().Name}: got an empty parameter list");
    }

    protected static IEnumerable<ParamGroup> One(IEnumerable<Parameter> ps) => [new ParamGroup(ps)];

    public void AddParamGroup(ParamGroup g)
    {
        foreach (var (k, v) in Defaults) g.Options.TryAdd(k, v);
        foreach (var k in g.Options.Keys)
            if (!Defaults.ContainsKey(k)) throw new ArgumentException($"{GetType().Name}: unknown option '{k}' in a parameter group");
        Validate(g);
        var seen = ParamGroups.SelectMany(x => x.Parameters).ToHashSet();
        if (g.Parameters.Any(seen.Contains)) throw new ArgumentException($"{GetType().Name}: a parameter appears in more than one group");
        ParamGroups.Add(g);
    }

    /// <summary>Checks a group's hyper-parameters (e.g. lr ≥ 0), throwing with the option's name.</summary>
    protected virtual void Validate(ParamGroup g)
    {
        if (!(g.Lr >= 0)) throw new ArgumentException($"{GetType().Name}: invalid learning rate {g.Lr}");
        if (g.Options.TryGetValue("eps", out var eps) && !(eps >= 0)) throw new ArgumentException($"{GetType().Name}: invalid eps {eps}");
        if (g.Options.TryGetValue("weight_decay", out var wd) && !(wd >= 0)) throw new ArgumentException($"{GetType().Name}: invalid weight_decay {wd}");
    }

    /// <summary>Sets every parameter's gradient to none.</summary>
    public void ZeroGrad() { foreach (var g in ParamGroups) foreach (var p in g.Parameters) p.Grad = null; }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        foreach (var g in ParamGroups)
            foreach (var p in g.Parameters)
            {
                if (p.Grad == null) continue;
                if (!ShapeUtil.SameShape(p.Grad.Dims, p.Dims))
                    throw new InvalidOperationException($"{GetType().Name}: gradient shape {ShapeUtil.Format(p.Grad.Dims)} differs from parameter shape {ShapeUtil.Format(p.Dims)}");
                if (!_state.TryGetValue(p, out var st)) _state[p] = st = new ParamState();
                st.Step++;
                Update(p.Data, p.Grad.Data, st, g);
            }
    }

    /// <summary>The update rule for one parameter (its values, its gradient, its state, its group's options).</summary>
    protected abstract void Update(Span<float> p, ReadOnlySpan<float> grad, ParamState state, ParamGroup group);

    /// <summary>State of one parameter, or null before its first step.</summary>
    public ParamState? StateOf(Parameter p) => _state.TryGetValue(p, out var s) ? s : null;

    /// <summary>
    /// Tensors of the state as PyTorch names them (<c>state.{i}.exp_avg</c>, <c>state.{i}.step</c>; i counts parameters
    /// across groups) and the groups' options as strings (<c>param_groups.{g}.lr</c>), exact to the last bit.
    /// </summary>
    public (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Options) StateDict()
    {
        var tensors = new Dictionary<string, Tensor>(); var opts = new Dictionary<string, string>();
        int i = 0;
        for (int gi = 0; gi < ParamGroups.Count; gi++)
        {
            foreach (var (k, v) in ParamGroups[gi].Options) opts[$"param_groups.{gi}.{k}"] = v.ToString("R", CultureInfo.InvariantCulture);
            foreach (var p in ParamGroups[gi].Parameters)
            {
                if (_state.TryGetValue(p, out var st))
                {
                    tensors[$"state.{i}.step"] = Tensor.FromLongs([st.Step], []).WithShape([], false);
                    foreach (var (k, b) in st.Buffers) tensors[$"state.{i}.{k}"] = Tensor.Wrap((float[])b.Clone(), p.Shape);
                }
                i++;
            }
        }
        return (tensors, opts);
    }

    /// <summary>Restores what <see cref="StateDict"/> wrote; the optimiser must have the same groups and parameter shapes.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> options)
    {
        var all = ParamGroups.SelectMany(g => g.Parameters).ToList();
        var newState = new Dictionary<Parameter, ParamState>();
        foreach (var (key, t) in tensors)
        {
            var parts = key.Split('.');
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], out int i) || i < 0 || i >= all.Count)
                throw new ArgumentException($"{GetType().Name}: unexpected optimiser state key '{key}'");
            var p = all[i];
            if (!newState.TryGetValue(p, out var st)) newState[p] = st = new ParamState();
            if (parts[2] == "step") st.Step = (int)t.ToLongArray()[0];
            else
            {
                if (t.Numel != p.Numel) throw new ArgumentException($"{GetType().Name}: state '{key}' has {t.Numel} values, parameter {i} has {p.Numel}");
                st.Buffers[parts[2]] = t.ToArray();
            }
        }
        for (int gi = 0; gi < ParamGroups.Count; gi++)
            foreach (var k in ParamGroups[gi].Options.Keys.ToList())
                if (options.TryGetValue($"param_groups.{gi}.{k}", out var s))
                    ParamGroups[gi].Options[k] = double.Parse(s, CultureInfo.InvariantCulture);
        _state.Clear();
        foreach (var (p, st) in newState) _state[p] = st;
    }

    /// <summary>Creates an optimiser by name (sgd, adam, adamw, rmsprop, adagrad, adadelta) with PyTorch's defaults and the given lr.</summary>
    public static Optimizer Create(string name, IEnumerable<Parameter> parameters, double? lr = null) => name.ToLowerInvariant() switch
    {
        "sgd" => new SGD(parameters, lr ?? 0.01),
        "adam" => new Adam(parameters, lr ?? 1e-3),
        "adamw" => new AdamW(parameters, lr ?? 1e-3),
        "rmsprop" => new RMSprop(parameters, lr ?? 1e-2),
        "adagrad" => new Adagrad(parameters, lr ?? 1e-2),
        "adadelta" => new Adadelta(parameters, lr ?? 1.0),
        _ => throw new ArgumentException($"unknown optimizer '{name}' (sgd, adam, adamw, rmsprop, adagrad, adadelta)"),
    };
}
