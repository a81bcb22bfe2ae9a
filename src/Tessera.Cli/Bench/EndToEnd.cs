using System.Diagnostics;
using System.Text.Json;
using Tessera.Data;
using Tessera.Models;
using Tessera.NN;
using Tessera.Optim;
using Tessera.Train;

namespace Tessera.Cli.Bench;

/// <summary>The end-to-end runs of WORKLOADS.md, timed like torch_end_to_end.py (training time only; then test accuracy).</summary>
public static class EndToEnd
{
    public static int Run(string dataDir, string filter, bool json, TextWriter output)
    {
        var runs = new (string Name, Func<Dictionary<string, object>?> Run)[]
        {
            ("mnist_mlp_1epoch", () => Mnist(dataDir, "mlp", 1, 128)),
            ("mnist_lenet5_3epochs", () => ModelZoo.Names.Contains("lenet5") ? Mnist(dataDir, "lenet5", 3, 64) : null),
            ("charlstm_shakespeare_300steps", () => null),
        };
        foreach (var (name, run) in runs)
        {
            if (!name.Contains(filter, StringComparison.Ordinal)) continue;
            var r = run();
            if (r == null) { if (!json) output.WriteLine($"{name}: skipped: its layers are not implemented yet"); continue; }
            r = new Dictionary<string, object>(r.Prepend(new("run", name)));
            output.WriteLine(json ? JsonSerializer.Serialize(r) : string.Join("  ", r.Select(kv => $"{kv.Key}={kv.Value}")));
        }
        return 0;
    }

    private static Dictionary<string, object> Mnist(string dataDir, string model, int epochs, int batch)
    {
        var data = DatasetCatalog.Load("mnist", Path.Combine(dataDir, "mnist"));
        Generator.ManualSeed(0);
        var m = ModelZoo.Create(model);
        var trainer = new Trainer(m, new Adam(m.Parameters(), 1e-3));
        var sw = Stopwatch.StartNew();
        trainer.Fit(data.Train, null, new TrainerOptions { Epochs = epochs, BatchSize = batch });
        double secs = sw.Elapsed.TotalSeconds;
        var ev = trainer.Evaluate(data.Test, 1000);
        return new() { ["seconds"] = Math.Round(secs, 2), ["test_accuracy"] = ev.Accuracy };
    }
}
