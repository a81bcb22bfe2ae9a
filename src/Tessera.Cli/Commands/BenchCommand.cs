using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tessera.Cli.Bench;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera bench [--filter S] [--json] [--min-time SECONDS] [--micro] [--end-to-end --data-dir DIR]</c>.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var filter = new Option<string>("--filter") { Description = "Only workloads whose name contains this", DefaultValueFactory = _ => "" };
        var json = new Option<bool>("--json") { Description = "One JSON object per line, as torch_reference.py --json" };
        var minTime = new Option<double>("--min-time") { Description = "Seconds to repeat each workload (at least 5 iterations)", DefaultValueFactory = _ => 1.0 };
        var micro = new Option<bool>("--micro") { Description = "Also run the kernel micro-benchmarks" };
        var e2e = new Option<bool>("--end-to-end") { Description = "Run the end-to-end runs (MNIST MLP and LeNet-5, char-LSTM) instead" };
        var dataDir = new Option<string?>("--data-dir") { Description = "For --end-to-end: folder holding mnist/ and tinyshakespeare/" };
        var once = new Option<bool>("--once") { Description = "One iteration of each workload (a smoke test)" };
        var cmd = new Command("bench", "Benchmark the workloads of WORKLOADS.md (median ms per iteration)") { filter, json, minTime, micro, e2e, dataDir, once };
        cmd.SetAction(r => r.GetValue(e2e)
            ? EndToEnd.Run(r.GetValue(dataDir) ?? throw new ArgumentException("--end-to-end needs --data-dir"), r.GetValue(filter)!, r.GetValue(json), Console.Out)
            : Run(r.GetValue(filter)!, r.GetValue(json), r.GetValue(minTime), r.GetValue(micro), r.GetValue(once), Console.Out));
        return cmd;
    }

    public static int Run(string filter, bool json, double minTime, bool micro, bool once, TextWriter output)
    {
        foreach (var w in Workloads.All)
        {
            if (!w.Name.Contains(filter, StringComparison.Ordinal) || (w.Group == "micro" && !micro && filter.Length == 0)) continue;
            if (w.Build == null)
            {
                if (!json) output.WriteLine($"{w.Name,-55} skipped: its layers are not implemented yet");
                continue;
            }
            var step = w.Build();
            double ms = once ? Time(step) : Harness.MedianMs(step, minTime);
            double rate = Harness.Rate(w, ms);
            if (!double.IsFinite(ms) || ms <= 0) throw new InvalidOperationException($"{w.Name}: measured {ms} ms");
            if (json)
                output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["workload"] = w.Name, ["ms"] = Math.Round(ms, 4), ["rate"] = Math.Round(rate, 3), ["unit"] = w.Unit }));
            else
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{w.Name,-55} {ms,10:F3} ms  {rate,10:F2} {w.Unit}"));
        }
        return 0;
    }

    private static double Time(Action step)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        step();
        return Math.Max(sw.Elapsed.TotalMilliseconds, 1e-6);
    }
}
