namespace Tessera.Conformance;

/// <summary>The outcome of one case: passed, or the failures found (case, tensor, index, expected, actual).</summary>
public sealed record CaseResult(string Case, string Path, List<string> Failures)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>Runs conformance cases as FORMAT.md specifies: build, load params/buffers, forward, backward of Σ out·cotangent, compare.</summary>
public static class Runner
{
    /// <summary>Case files (*.json) under a directory, sorted by name, optionally only those whose case name starts with <paramref name="only"/>.</summary>
    public static IEnumerable<string> CaseFiles(string dir, string? only = null)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"conformance directory '{dir}' does not exist");
        var files = Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal);
        if (only == null) return files;
        var prefix = only.Replace("/", "__");
        return files.Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal));
    }

    public static CaseResult RunFile(string path)
    {
        ConformanceCase c;
        try { c = ConformanceCase.Load(path); }
        catch (Exception e) { return new CaseResult(Path.GetFileNameWithoutExtension(path), path, [$"cannot load: {e.Message}"]); }
        return Run(c);
    }

    public static CaseResult Run(ConformanceCase c)
    {
        var failures = new List<string>();
        try { RunCore(c, failures); }
        catch (Exception e) { failures.Add($"{c.Name}: {e.GetType().Name}: {e.Message}"); }
        return new CaseResult(c.Name, c.SourcePath ?? "", failures);
    }

    private static void RunCore(ConformanceCase c, List<string> failures)
    {
        var config = new CaseConfig(c.Config);
        if (OpRegistry.TryGetCustom(c.Op, out var custom))
        {
            failures.AddRange(custom(c, config));
            CheckUnread(c, config, failures);
            return;
        }
        if (!OpRegistry.TryGet(c.Op, out var builder)) { failures.Add($"{c.Name}: op '{c.Op}' is not implemented"); return; }
        var op = builder(config, c.Mode == "train");
        if (CheckUnread(c, config, failures)) return;
        var module = op.Module;
        module?.Train(c.Mode == "train");

        // Parameters and buffers by name: the names must match exactly.
        var own = module?.NamedParameters().ToDictionary(p => p.Name, p => (Tensor)p.Parameter) ?? [];
        foreach (var name in own.Keys.Except(c.Params.Keys)) failures.Add($"{c.Name}: layer has parameter '{name}' that the case does not name");
        foreach (var name in c.Params.Keys.Except(own.Keys)) failures.Add($"{c.Name}: case names parameter '{name}' that the layer lacks");
        if (failures.Count > 0) return;
        foreach (var (name, t) in c.Params) LoadInto(own[name], t, c.Name, "param " + name);
        var buffers = module?.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer) ?? [];
        foreach (var (name, t) in c.Buffers)
        {
            if (!buffers.TryGetValue(name, out var b)) { failures.Add($"{c.Name}: case names buffer '{name}' that the layer lacks"); return; }
            LoadInto(b, t, c.Name, "buffer " + name);
        }
        foreach (var p in own.Values) p.Grad = null;

        var inputs = c.Inputs.Select((t, i) =>
        {
            if (t == null) return null;
            var x = t.Clone();
            if (x.DType == DType.Float32 && i < c.GradInputs.Count && c.GradInputs[i] != null) x.RequiresGrad = true;
            return x;
        }).ToArray();

        var outputs = op.Run(inputs);
        if (outputs.Length != c.Outputs.Count) { failures.Add($"{c.Name}: op returned {outputs.Length} outputs, expected {c.Outputs.Count}"); return; }
        for (int i = 0; i < outputs.Length; i++) Compare(c, $"outputs[{i}]", c.Outputs[i], outputs[i], failures);

        // Backward from L = Σ_i sum(outputs[i] · grad_outputs[i]).
        Tensor? loss = null;
        for (int i = 0; i < outputs.Length && i < c.GradOutputs.Count; i++)
        {
            if (c.GradOutputs[i] is not Tensor g || !outputs[i].RequiresGrad) continue;
            var term = F.Sum(F.Mul(outputs[i], g));
            loss = loss == null ? term : F.Add(loss, term);
        }
        loss?.Backward();
        for (int i = 0; i < c.GradInputs.Count && i < inputs.Length; i++)
        {
            if (c.GradInputs[i] is not Tensor expected) continue;
            var x = inputs[i];
            if (x == null) { failures.Add($"{c.Name}: grad_inputs[{i}] expected but the input is null"); continue; }
            Compare(c, $"grad_inputs[{i}]", expected, x.Grad ?? Tensor.ZerosLike(x), failures);
        }
        foreach (var (name, expected) in c.GradParams)
            Compare(c, $"grad_params.{name}", expected, own[name].Grad ?? Tensor.ZerosLike(own[name]), failures);
        foreach (var (name, expected) in c.BuffersAfter)
        {
            var now = module?.NamedBuffers().FirstOrDefault(b => b.Name == name).Buffer;
            if (now == null) { failures.Add($"{c.Name}: buffers_after names '{name}' that the layer lacks"); continue; }
            Compare(c, $"buffers_after.{name}", expected, now, failures);
        }
    }

    private static bool CheckUnread(ConformanceCase c, CaseConfig config, List<string> failures)
    {
        var unread = config.Unread().ToList();
        foreach (var k in unread) failures.Add($"{c.Name}: config key '{k}' of op '{c.Op}' is not understood");
        return unread.Count > 0;
    }

    private static void LoadInto(Tensor target, Tensor value, string caseName, string what)
    {
        if (!ShapeUtil.SameShape(target.Dims, value.Dims) || target.DType != value.DType)
            throw new ArgumentException($"{caseName}: {what} is {DTypes.Name(target.DType)} {ShapeUtil.Format(target.Dims)} in the layer, {DTypes.Name(value.DType)} {ShapeUtil.Format(value.Dims)} in the case");
        target.CopyFrom(value);
    }

    /// <summary>Elementwise |actual − expected| ≤ atol + rtol·|expected|; shapes and dtypes exact; int and bool exact. Reports the first differing index.</summary>
    public static void Compare(ConformanceCase c, string what, Tensor? expected, Tensor actual, List<string> failures)
    {
        if (expected == null) return;
        if (!ShapeUtil.SameShape(expected.Dims, actual.Dims))
        { failures.Add($"{c.Name}: {what}: shape {ShapeUtil.Format(actual.Dims)}, expected {ShapeUtil.Format(expected.Dims)}"); return; }
        if (expected.DType != actual.DType)
        { failures.Add($"{c.Name}: {what}: dtype {DTypes.Name(actual.DType)}, expected {DTypes.Name(expected.DType)}"); return; }
        int bad = 0; string? first = null;
        if (expected.DType == DType.Float32)
        {
            var e = expected.Data; var a = actual.Data;
            for (int i = 0; i < e.Length; i++)
            {
                bool ok = float.IsNaN(e[i]) ? float.IsNaN(a[i]) : Math.Abs((double)a[i] - e[i]) <= c.Atol + c.Rtol * Math.Abs((double)e[i]) || (float.IsInfinity(e[i]) && a[i] == e[i]);
                if (!ok) { bad++; first ??= $"index {Index(expected.Dims, i)}: expected {e[i]:G9}, actual {a[i]:G9}"; }
            }
        }
        else
        {
            var e = expected.ToLongArray(); var a = actual.ToLongArray();
            for (int i = 0; i < e.Length; i++)
                if (e[i] != a[i]) { bad++; first ??= $"index {Index(expected.Dims, i)}: expected {e[i]}, actual {a[i]}"; }
        }
        if (bad > 0) failures.Add($"{c.Name}: {what}: {first} ({bad} of {expected.Numel} values differ)");
    }

    private static string Index(int[] shape, int flat)
    {
        var idx = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { if (shape[d] == 0) break; idx[d] = flat % shape[d]; flat /= shape[d]; }
        return "[" + string.Join(", ", idx) + "]";
    }
}
