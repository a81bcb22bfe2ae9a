using System.Collections;

namespace Tessera.NN;

/// <summary>Applies its children in order; children are named "0", "1", ... as in PyTorch.</summary>
public sealed class Sequential : Module, IEnumerable<Module>
{
    private readonly List<Module> _layers = [];

    public Sequential(params Module[] layers) { foreach (var l in layers) Add(l); }

    /// <summary>Appends a layer under the next index name.</summary>
    public Sequential Add(Module layer) { RegisterModule(_layers.Count.ToString(), layer); _layers.Add(layer); return this; }

    public int Count => _layers.Count;
    public Module this[int i] => _layers[i];

    public override Tensor Forward(Tensor x)
    {
        foreach (var l in _layers) x = l.Forward(x);
        return x;
    }

    public IEnumerator<Module> GetEnumerator() => _layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>An indexed list of modules registered as "0", "1", ...; it has no Forward of its own.</summary>
public sealed class ModuleList : Module, IEnumerable<Module>
{
    private readonly List<Module> _items = [];
    public ModuleList(params Module[] modules) { foreach (var m in modules) Add(m); }
    public ModuleList Add(Module m) { RegisterModule(_items.Count.ToString(), m); _items.Add(m); return this; }
    public int Count => _items.Count;
    public Module this[int i] => _items[i];
    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Modules registered under given names, in insertion order; it has no Forward of its own.</summary>
public sealed class ModuleDict : Module, IEnumerable<KeyValuePair<string, Module>>
{
    private readonly Dictionary<string, Module> _items = [];
    private readonly List<string> _order = [];
    public ModuleDict Add(string name, Module m) { RegisterModule(name, m); _items[name] = m; _order.Add(name); return this; }
    public Module this[string name] => _items.TryGetValue(name, out var m) ? m : throw new KeyNotFoundException($"ModuleDict has no module named '{name}'");
    public bool ContainsKey(string name) => _items.ContainsKey(name);
    public int Count => _order.Count;
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => _order.Select(n => new KeyValuePair<string, Module>(n, _items[n])).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
