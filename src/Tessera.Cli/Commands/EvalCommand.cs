using System.CommandLine;
using Spectre.Console;
using Tessera.Data;
using Tessera.Models;
using Tessera.Train;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera eval --checkpoint FILE [--dataset NAME]</c>: test loss, accuracy and confusion matrix of a trained model.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint written by tessera train", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset (default: the one the model was trained on)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the dataset's files (mnist, fashion-mnist)" };
        var cmd = new Command("eval", "Evaluate a checkpoint on a dataset's test split") { checkpoint, dataset, dataDir };
        cmd.SetAction(r => Run(r.GetValue(checkpoint)!, r.GetValue(dataset), r.GetValue(dataDir)));
        return cmd;
    }

    public static int Run(string checkpointPath, string? datasetName, string? dataDir)
    {
        var ck = Checkpoint.Load(checkpointPath);
        if (!ck.Info.TryGetValue("model", out var modelName)) throw new InvalidDataException($"{checkpointPath}: the checkpoint does not name its model");
        datasetName ??= ck.Info.GetValueOrDefault("dataset") ?? "digits";
        var data = DatasetCatalog.Load(datasetName, dataDir);
        var model = ModelZoo.Create(modelName, data.Classes.Count);
        try { model.LoadStateDict(ck.Model); }
        catch (ArgumentException e) { throw new InvalidDataException($"{checkpointPath}: {e.Message}", e); }
        var ev = Trainer.Evaluate(model, data.Test);
        AnsiConsole.MarkupLine($"[bold]{modelName}[/] (epoch {ck.Epoch}) on {datasetName} test ({ev.Count} examples): accuracy [bold]{ev.Accuracy:P2}[/], loss {ev.Loss:F4}");
        var t = new Table().AddColumn("true \\ predicted");
        int c = ev.Confusion.GetLength(0);
        for (int j = 0; j < c; j++) t.AddColumn(data.Classes[j]);
        for (int i = 0; i < c; i++) t.AddRow([data.Classes[i], .. Enumerable.Range(0, c).Select(j => ev.Confusion[i, j].ToString())]);
        AnsiConsole.Write(t);
        return 0;
    }
}
