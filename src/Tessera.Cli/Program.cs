using System.CommandLine;
using Tessera.Cli.Commands;

namespace Tessera.Cli;

/// <summary>The <c>tessera</c> command: conformance, train, eval, summary, bench.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Tessera: deep learning for .NET, in C#, with no native dependency.");
        root.Add(CliCommon.Verbose);
        root.Add(ConformanceCommand.Create());
        root.Add(TrainCommand.Create());
        root.Add(EvalCommand.Create());
        root.Add(SummaryCommand.Create());
        root.Add(BenchCommand.Create());
        return CliCommon.Invoke(root, args);
    }
}
