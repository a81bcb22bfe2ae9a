using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;
using Tessera.Data;
using Tessera.Models;
using Tessera.Optim;
using Tessera.Train;
using Tessera.Viz;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera train</c>: trains a zoo model on a named dataset with progress, checkpoints, charts and a metrics file.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model name: " + string.Join(", ", ModelZoo.Names), DefaultValueFactory = _ => "lenet5" };
        var dataset = new Option<string>("--dataset") { Description = "digits (embedded, default), mnist, fashion-mnist", DefaultValueFactory = _ => "digits" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the dataset's files (mnist, fashion-mnist)" };
        var epochs = new Option<int>("--epochs") { Description = "Number of epochs", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => 64 };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, adam, adamw, rmsprop, adagrad, adadelta", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: the optimizer's usual one)" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (initialisation, shuffling, dropout)", DefaultValueFactory = _ => 0 };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file, written after every epoch (default runs/MODEL-DATASET.ckpt)" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint if it exists" };
        var metrics = new Option<string?>("--metrics-out") { Description = "Write final metrics as JSON to this file" };
        var trainSize = new Option<int?>("--train-size") { Description = "Use only the first N training examples" };
        var patience = new Option<int?>("--early-stopping") { Description = "Stop after N epochs without improvement of the held-out loss" };
        var cmd = new Command("train", "Train a model (default: LeNet-5 on the embedded synthetic digits)")
        { model, dataset, dataDir, epochs, batch, optimizer, lr, seed, checkpoint, resume, metrics, trainSize, patience };
        cmd.SetAction(r => Run(r.GetValue(model)!, r.GetValue(dataset)!, r.GetValue(dataDir), r.GetValue(epochs), r.GetValue(batch),
            r.GetValue(optimizer)!, r.GetValue(lr), r.GetValue(seed), r.GetValue(checkpoint), r.GetValue(resume), r.GetValue(metrics),
            r.GetValue(trainSize), r.GetValue(patience)));
        return cmd;
    }

    public static int Run(string modelName, string datasetName, string? dataDir, int epochs, int batchSize, string optimizerName, double? lr,
        ulong seed, string? checkpoint, bool resume, string? metricsOut, int? trainSize = null, int? patience = null)
    {
        if (epochs <= 0) throw new ArgumentException($"--epochs must be positive, got {epochs}");
        if (batchSize <= 0) throw new ArgumentException($"--batch-size must be positive, got {batchSize}");
        if (!ModelZoo.Names.Contains(modelName)) throw new ArgumentException($"unknown model '{modelName}' (known: {string.Join(", ", ModelZoo.Names)})");
        if (!DatasetCatalog.Names.Contains(datasetName)) throw new ArgumentException($"unknown dataset '{datasetName}' (known: {string.Join(", ", DatasetCatalog.Names)})");
        checkpoint ??= Path.Combine("runs", $"{modelName}-{datasetName}.ckpt");
        var ckDir = Path.GetDirectoryName(Path.GetFullPath(checkpoint))!;
        try { Directory.CreateDirectory(ckDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new IOException($"cannot create checkpoint directory '{ckDir}': {e.Message}", e); }
        CheckWritable(ckDir);

        var total = Stopwatch.StartNew();
        var data = DatasetCatalog.Load(datasetName, dataDir, trainSize);
        Generator.ManualSeed(seed);
        var model = ModelZoo.Create(modelName, data.Classes.Count);
        var opt = Optimizer.Create(optimizerName, model.Parameters(), lr);
        var trainer = new Trainer(model, opt);
        var options = new TrainerOptions
        {
            Epochs = epochs, BatchSize = batchSize, Seed = seed, CheckpointPath = checkpoint, Resume = resume, EarlyStoppingPatience = patience,
            Info = new() { ["model"] = modelName, ["dataset"] = datasetName, ["classes"] = data.Classes.Count.ToString() },
        };
        // Plain text (no colour codes, no live bars) when the output is a file or a pipe.
        var console = Console.IsOutputRedirected ? AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No }) : AnsiConsole.Console;
        console.MarkupLine($"[bold]{modelName}[/] on [bold]{datasetName}[/]: {data.Train.Count} training and {data.Test.Count} test examples, {model.ParameterCount():N0} parameters, {optimizerName} lr {opt.ParamGroups[0].Lr}, seed {seed}");
        bool interactive = !Console.IsOutputRedirected && console.Profile.Capabilities.Interactive;
        if (interactive)
            console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SamplesPerSecondColumn(), new RemainingTimeColumn())
                .Start(ctx => trainer.Fit(data.Train, data.Test, options, new ProgressObserver(ctx)));
        else trainer.Fit(data.Train, data.Test, options, new LineObserver());

        var eval = trainer.Evaluate(data.Test);
        var table = new Table().AddColumns("epoch", "train loss", "train acc", "test loss", "test acc", "seconds");
        foreach (var h in trainer.History)
            table.AddRow(h.Epoch.ToString(), h.TrainLoss.ToString("F4"), h.TrainAccuracy.ToString("P2"), h.ValLoss?.ToString("F4") ?? "", h.ValAccuracy?.ToString("P2") ?? "", h.Seconds.ToString("F1"));
        console.Write(table);
        console.MarkupLine($"test accuracy [bold]{eval.Accuracy:P2}[/], test loss {eval.Loss:F4}; checkpoint {checkpoint}");

        var stem = checkpoint.EndsWith(".ckpt") ? checkpoint[..^5] : checkpoint;
        File.WriteAllText(stem + ".curves.svg", Svg.LineChart($"{modelName} on {datasetName}", "epoch",
        [
            ("train loss", trainer.History.Select(h => h.TrainLoss).ToList()),
            ("test loss", trainer.History.Select(h => h.ValLoss ?? double.NaN).ToList()),
            ("train error", trainer.History.Select(h => 1 - h.TrainAccuracy).ToList()),
            ("test error", trainer.History.Select(h => 1 - (h.ValAccuracy ?? double.NaN)).ToList()),
        ]));
        File.WriteAllText(stem + ".confusion.svg", Svg.ConfusionMatrix($"{modelName} on {datasetName}: test confusion", eval.Confusion, data.Classes));
        console.MarkupLine($"charts: {stem}.curves.svg, {stem}.confusion.svg");
        if (metricsOut != null)
        {
            var m = new Dictionary<string, object>
            {
                ["model"] = modelName, ["dataset"] = datasetName,
                ["test_accuracy"] = eval.Accuracy, ["test_loss"] = eval.Loss,
                ["train_loss"] = trainer.History.Count > 0 ? trainer.History[^1].TrainLoss : double.NaN,
                ["epochs"] = trainer.History.Count, ["seconds"] = Math.Round(trainer.History.Sum(h => h.Seconds), 3),
                ["wall_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 3),
            };
            File.WriteAllText(metricsOut, JsonSerializer.Serialize(m, new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    private static void CheckWritable(string dir)
    {
        var probe = Path.Combine(dir, $".write-test-{Environment.ProcessId}");
        try { File.WriteAllText(probe, ""); File.Delete(probe); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new IOException($"checkpoint directory '{dir}' is not writable: {e.Message}", e); }
    }

    private sealed class ProgressObserver(ProgressContext ctx) : ITrainingObserver
    {
        private ProgressTask? _task;
        public void EpochStarted(int epoch, int epochs, int batches, int samples) => _task = ctx.AddTask($"epoch {epoch}/{epochs}", maxValue: samples);
        public void BatchCompleted(int epoch, int batch, int samplesSoFar, double loss) { if (_task != null) { _task.Value = samplesSoFar; _task.Description = $"epoch {epoch} loss {loss:F3}"; } }
        public void EpochCompleted(EpochResult r) { if (_task != null) { _task.Description = $"epoch {r.Epoch} loss {r.TrainLoss:F3} test acc {r.ValAccuracy:P1}"; _task.StopTask(); } }
        public void Message(string text) => AnsiConsole.MarkupLineInterpolated($"[grey]{text}[/]");
    }

    /// <summary>Throughput of the running epoch in examples per second.</summary>
    private sealed class SamplesPerSecondColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime)
            => new Text(task.Speed is double s ? $"{s,8:N0} samples/s" : "", new Style(Color.Grey));
    }

    private sealed class LineObserver : ITrainingObserver
    {
        public void EpochStarted(int epoch, int epochs, int batches, int samples) { }
        public void BatchCompleted(int epoch, int batch, int samplesSoFar, double loss) { }
        public void EpochCompleted(EpochResult r) =>
            Console.WriteLine($"epoch {r.Epoch}: train loss {r.TrainLoss:F4} acc {r.TrainAccuracy:P2}, test loss {r.ValLoss:F4} acc {r.ValAccuracy:P2} ({r.Seconds:F1} s)");
        public void Message(string text) => Console.WriteLine(text);
    }
}
