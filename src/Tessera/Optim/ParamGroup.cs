using Tessera.NN;

namespace Tessera.Optim;

/// <summary>A set of parameters with their own hyper-parameters (lr, momentum, ...), as PyTorch's param_groups.</summary>
public sealed class ParamGroup
{
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Hyper-parameters by PyTorch's argument names; those not given take the optimiser's defaults.</summary>
    public Dictionary<string, double> Options { get; }

    public ParamGroup(IEnumerable<Parameter> parameters, IDictionary<string, double>? options = null)
    {
        Parameters = parameters.ToList();
        Options = options != null ? new Dictionary<string, double>(options) : [];
    }

    /// <summary>The learning rate (schedules change it between steps).</summary>
    public double Lr { get => Options["lr"]; set => Options["lr"] = value; }

    public double this[string key] => Options.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"param group has no option '{key}'");
}

/// <summary>Per-parameter optimiser state: the step count and named buffers (exp_avg, momentum_buffer, ...).</summary>
public sealed class ParamState
{
    public int Step { get; set; }
    public Dictionary<string, float[]> Buffers { get; } = [];

    /// <summary>The named buffer, created (zero or filled with <paramref name="init"/>) the first time.</summary>
    public float[] Buffer(string name, int length, float init = 0f)
    {
        if (!Buffers.TryGetValue(name, out var b))
        {
            b = new float[length];
            if (init != 0) Array.Fill(b, init);
            Buffers[name] = b;
        }
        return b;
    }
}
