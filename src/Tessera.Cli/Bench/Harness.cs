using System.Diagnostics;

namespace Tessera.Cli.Bench;

/// <summary>One benchmark workload: a name from WORKLOADS.md, a builder returning one iteration, and its rate's unit.</summary>
/// <param name="Flops">Work per iteration for GFLOP/s rates; null for iterations per second.</param>
/// <param name="Build">Null while the layers it needs do not exist yet (it is then listed as skipped).</param>
public sealed record Workload(string Name, Func<Action>? Build, double? Flops = null, string Group = "workload")
{
    public string Unit => Flops != null ? "GFLOP/s" : "it/s";
}

/// <summary>Timing as torch_reference.py does it: warm-up, then repeat until at least min-time and 5 iterations; the median.</summary>
public static class Harness
{
    /// <remarks>
    /// Warm-up runs until 30 calls or 0.5 s: .NET compiles a method twice (quick code first, optimised code after
    /// about 30 calls), so a short warm-up would time the first tier.
    /// </remarks>
    public static double MedianMs(Action step, double minSeconds = 1.0, int warmup = 30, int maxIters = 200)
    {
        var w = Stopwatch.StartNew();
        for (int i = 0; i < warmup && (i < 2 || w.Elapsed.TotalSeconds < 0.5); i++) step();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while ((total.Elapsed.TotalSeconds < minSeconds || times.Count < 5) && times.Count < maxIters)
        {
            var sw = Stopwatch.StartNew();
            step();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        int n = times.Count;
        return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    }

    public static double Rate(Workload w, double ms) => w.Flops is double f ? f / (ms / 1000.0) / 1e9 : 1000.0 / ms;
}
