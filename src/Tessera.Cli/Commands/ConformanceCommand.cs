using System.CommandLine;
using Tessera.Conformance;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera conformance DIR [--only PREFIX]</c>: runs every case file, prints one line per failure and "N passed, M failed".</summary>
public static class ConformanceCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Folder of case files (*.json)" };
        var only = new Option<string?>("--only") { Description = "Only cases whose name starts with this prefix (e.g. conv2d/ or activation)" };
        var cmd = new Command("conformance", "Run conformance case files against the reference") { dir, only };
        cmd.SetAction(r => Run(r.GetValue(dir)!, r.GetValue(only), Console.Out));
        return cmd;
    }

    public static int Run(string dir, string? only, TextWriter output)
    {
        int passed = 0, failed = 0;
        foreach (var file in Runner.CaseFiles(dir, only))
        {
            var result = Runner.RunFile(file);
            if (result.Passed) passed++;
            else
            {
                failed++;
                foreach (var f in result.Failures) output.WriteLine($"FAIL {f}");
            }
        }
        output.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }
}
