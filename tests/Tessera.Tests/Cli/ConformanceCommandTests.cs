using Tessera.Cli.Commands;

namespace Tessera.Tests.Cli;

public class ConformanceCommandTests
{
    private static string CasesDir => Path.Combine(AppContext.BaseDirectory, "cases", "fc");

    [Fact]
    public void PrintsSummaryLineAndExitsZero()
    {
        var sw = new StringWriter();
        int code = ConformanceCommand.Run(CasesDir, "activation", sw);
        var lines = sw.ToString().Trim().Split('\n');
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+ passed, 0 failed$", lines[^1].Trim());
    }

    [Fact]
    public void FailingCaseGivesOneLineAndExitOne()
    {
        var dir = Directory.CreateTempSubdirectory("tessera-conf").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "bad__x.json"), """{"format":"tessera-conformance/1","case":"bad/x","op":"Nope","config":{},"inputs":[],"outputs":[]}""");
            File.WriteAllText(Path.Combine(dir, "broken__y.json"), "{ not json");
            var sw = new StringWriter();
            Assert.Equal(1, ConformanceCommand.Run(dir, null, sw));
            var text = sw.ToString();
            Assert.Contains("FAIL bad/x: op 'Nope' is not implemented", text);
            Assert.Contains("not a valid conformance case", text);
            Assert.EndsWith("0 passed, 2 failed", text.Trim());
        }
        finally { Directory.Delete(dir, true); }
    }
}
