using System.Text;

namespace Tessera.NN;

/// <summary>
/// Base of every layer: explicitly registered parameters, buffers (running statistics) and child modules under
/// PyTorch state_dict names (<c>features.0.weight</c>), train/eval mode, and state-dict save/load.
/// Single-input layers override <see cref="Forward(Tensor)"/>; layers with several inputs add their own Forward overloads.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Parameter? Value)> _parameters = [];
    private readonly List<(string Name, Tensor? Value, bool Persistent)> _buffers = [];
    private readonly List<(string Name, Module Value)> _children = [];

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The layer's name as printed in summaries and errors.</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Applies the layer to one input.</summary>
    public virtual Tensor Forward(Tensor x) => throw new NotSupportedException($"{Name} does not take a single input; call its Forward overload with the inputs it needs");

    /// <summary>Shorthand for <see cref="Forward(Tensor)"/>.</summary>
    public Tensor Call(Tensor x) => Forward(x);

    protected Parameter RegisterParameter(string name, Tensor value) { CheckName(name); var p = value as Parameter ?? new Parameter(value); _parameters.Add((name, p)); return p; }

    /// <summary>Records that a parameter of this name is absent (e.g. bias=false), like PyTorch's register_parameter(name, None).</summary>
    protected void RegisterNullParameter(string name) { CheckName(name); _parameters.Add((name, null)); }

    protected Tensor RegisterBuffer(string name, Tensor value, bool persistent = true) { CheckName(name); _buffers.Add((name, value, persistent)); return value; }

    protected T RegisterModule<T>(string name, T module) where T : Module { CheckName(name); _children.Add((name, module)); return module; }

    /// <summary>Replaces a registered buffer's tensor (e.g. num_batches_tracked after an update).</summary>
    protected void SetBuffer(string name, Tensor value)
    {
        int i = _buffers.FindIndex(b => b.Name == name);
        if (i < 0) throw new ArgumentException($"{Name}: no buffer named '{name}'");
        _buffers[i] = (name, value, _buffers[i].Persistent);
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.')) throw new ArgumentException($"{Name}: invalid member name '{name}'");
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"{Name}: a member named '{name}' is already registered");
    }

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children.Select(c => (c.Name, c.Value));

    /// <summary>This module and every descendant, depth-first, with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (prefix, m) = stack.Pop();
            yield return (prefix, m);
            for (int i = m._children.Count - 1; i >= 0; i--)
                stack.Push((Join(prefix, m._children[i].Name), m._children[i].Value));
        }
    }

    /// <summary>Every parameter with its dotted state-dict name.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        foreach (var (prefix, m) in NamedModules())
            foreach (var (n, p) in m._parameters)
                if (p != null) yield return (Join(prefix, n), p);
    }

    /// <summary>Every parameter, in state-dict order.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(bool persistentOnly = false)
    {
        foreach (var (prefix, m) in NamedModules())
            foreach (var (n, b, persistent) in m._buffers)
                if (b != null && (persistent || !persistentOnly)) yield return (Join(prefix, n), b);
    }

    /// <summary>Total number of trainable values.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Numel);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Parameters and persistent buffers by name, in PyTorch's order (each module's parameters, then its buffers, then its children). Values are shared, not copied.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var (n, p) in m._parameters) if (p != null) d[Join(prefix, n)] = p;
            foreach (var (n, b, persistent) in m._buffers) if (b != null && persistent) d[Join(prefix, n)] = b;
        }
        return d;
    }

    /// <summary>
    /// Copies values into the parameters and buffers by name. Strict: every missing, unexpected and mis-shaped key
    /// is listed in one error, and nothing is changed when any is wrong.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = own.Where(kv => state.TryGetValue(kv.Key, out var v) && (!ShapeUtil.SameShape(v.Dims, kv.Value.Dims) || v.DType != kv.Value.DType))
            .Select(kv => $"{kv.Key}: expected {DTypes.Name(kv.Value.DType)} {ShapeUtil.Format(kv.Value.Dims)}, got {DTypes.Name(state[kv.Key].DType)} {ShapeUtil.Format(state[kv.Key].Dims)}").ToList();
        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var sb = new StringBuilder($"Error loading state dict into {Name}:");
            if (missing.Count > 0) sb.Append(" missing keys: ").Append(string.Join(", ", missing)).Append('.');
            if (unexpected.Count > 0) sb.Append(" unexpected keys: ").Append(string.Join(", ", unexpected)).Append('.');
            if (mismatched.Count > 0) sb.Append(" size mismatch: ").Append(string.Join("; ", mismatched)).Append('.');
            throw new ArgumentException(sb.ToString());
        }
        foreach (var (k, t) in own) if (state.TryGetValue(k, out var v)) t.CopyFrom(v);
    }

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules()) m.Training = mode;
        return this;
    }

    /// <summary>Sets evaluation mode (same as Train(false)).</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears every parameter's gradient (set to none, as PyTorch's default).</summary>
    public void ZeroGrad() { foreach (var p in Parameters()) p.Grad = null; }

    /// <summary>A one-line description of the configuration, e.g. "in_features=4, out_features=2".</summary>
    public virtual string ExtraRepr() => "";

    /// <summary>A PyTorch-style tree of the module.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Write(sb, 0);
        return sb.ToString();
    }

    private void Write(StringBuilder sb, int indent)
    {
        sb.Append(Name).Append('(').Append(ExtraRepr());
        if (_children.Count > 0)
        {
            sb.Append('\n');
            foreach (var (n, c) in _children)
            {
                sb.Append(new string(' ', indent + 2)).Append('(').Append(n).Append("): ");
                c.Write(sb, indent + 2);
                sb.Append('\n');
            }
            sb.Append(new string(' ', indent));
        }
        sb.Append(')');
    }
}
