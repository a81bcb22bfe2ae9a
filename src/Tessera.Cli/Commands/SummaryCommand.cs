using System.CommandLine;
using Spectre.Console;
using Tessera.Models;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera summary --model NAME</c>: layers with output shapes, parameter counts and FLOPs.</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model name: " + string.Join(", ", ModelZoo.Names), DefaultValueFactory = _ => "lenet5" };
        var cmd = new Command("summary", "Show a model's layers, output shapes, parameters and FLOPs") { model };
        cmd.SetAction(r => Run(r.GetValue(model)!));
        return cmd;
    }

    public static int Run(string name)
    {
        var m = ModelZoo.Create(name);
        var input = ModelZoo.InputShape(name);
        var rows = ModelSummary.Summarize(m, input);
        var t = new Table().AddColumns("#", "layer", "output shape", "parameters", "FLOPs");
        t.Title = new TableTitle(Markup.Escape($"{name}: {ModelZoo.Description(name)} — input [1, {string.Join(", ", input)}]"));
        foreach (var r in rows)
            t.AddRow(r.Name, Markup.Escape(r.Type), Markup.Escape("[" + string.Join(", ", r.OutputShape) + "]"), r.Parameters.ToString("N0"), r.Flops.ToString("N0"));
        t.AddRow("", "[bold]total[/]", "", rows.Sum(r => r.Parameters).ToString("N0"), rows.Sum(r => r.Flops).ToString("N0"));
        AnsiConsole.Write(t);
        return 0;
    }
}
