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
            ("charlstm_shakespeare_300steps", () => CharLstmRun(dataDir)),
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

    /// <summary>Embedding(65, 64) → LSTM(64, 256) → Linear(256, 65), sequences of 64, batch 32, Adam 2e-3, 300 steps.</summary>
    private static Dictionary<string, object> CharLstmRun(string dataDir)
    {
        var corpus = CharCorpus.FromFile(Path.Combine(dataDir, "tinyshakespeare", "input.txt"));
        Generator.ManualSeed(0);
        var model = new CharLstm(corpus.VocabularySize);
        var opt = new Adam(model.Parameters(), 2e-3);
        var gen = new Generator(0);
        var sw = Stopwatch.StartNew();
        float loss = float.NaN;
        for (int step = 0; step < 300; step++)
        {
            var (x, y) = corpus.RandomBatch(32, 64, gen);
            opt.ZeroGrad();
            var logits = model.Forward(x);
            var l = F.CrossEntropy(F.Reshape(logits, -1, corpus.VocabularySize), F.Reshape(y, -1));
            l.Backward();
            opt.Step();
            loss = l.Item();
        }
        return new() { ["seconds"] = Math.Round(sw.Elapsed.TotalSeconds, 2), ["final_loss"] = Math.Round(loss, 4) };
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
