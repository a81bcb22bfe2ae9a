using Tessera.Conformance;

namespace Tessera.Tests.Conformance;

/// <summary>Every case file copied into tests/Conformance/cases must pass: forward outputs, input and parameter gradients, buffers.</summary>
public class ConformanceTests
{
    private static string CasesDir => Path.Combine(AppContext.BaseDirectory, "cases");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var f in Runner.CaseFiles(CasesDir)) data.Add(Path.GetRelativePath(CasesDir, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CasePasses(string file)
    {
        var result = Runner.RunFile(Path.Combine(CasesDir, file));
        Assert.True(result.Passed, string.Join("\n", result.Failures));
    }

    [Fact]
    public void EveryFamilyHasCases()
    {
        foreach (var family in new[] { "fc", "optim", "conv", "blocks", "recurrent", "attention" })
            Assert.NotEmpty(Runner.CaseFiles(Path.Combine(CasesDir, family)));
    }

    [Fact]
    public void UnknownOpFailsWithMessage()
    {
        var c = MakeCase("""{"format":"tessera-conformance/1","case":"x/y","op":"NoSuchOp","config":{},"inputs":[],"outputs":[]}""");
        var r = Runner.Run(c);
        Assert.False(r.Passed);
        Assert.Contains("not implemented", r.Failures[0]);
    }

    [Fact]
    public void UnknownConfigKeyFailsTheCase()
    {
        var c = MakeCase("""{"format":"tessera-conformance/1","case":"x/y","op":"ReLU","config":{"bogus":1},"inputs":[],"outputs":[]}""");
        var r = Runner.Run(c);
        Assert.False(r.Passed);
        Assert.Contains("config key 'bogus'", r.Failures[0]);
    }

    [Fact]
    public void WrongOutputIsReportedWithIndexAndValues()
    {
        // ReLU of [-1, 2] is [0, 2]; the case claims [0, 3].
        string T(float[] v) => $$"""{"shape":[{{v.Length}}],"dtype":"float32","data":"{{Convert.ToBase64String(v.SelectMany(BitConverter.GetBytes).ToArray())}}"}""";
        var json = $$"""{"format":"tessera-conformance/1","case":"relu/bad","op":"ReLU","config":{},"inputs":[{{T([-1, 2])}}],"outputs":[{{T([0, 3])}}],"grad_outputs":[null],"grad_inputs":[null]}""";
        var r = Runner.Run(MakeCase(json));
        Assert.False(r.Passed);
        Assert.Contains("outputs[0]: index [1]: expected 3, actual 2", r.Failures[0]);
    }

    private static ConformanceCase MakeCase(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return ConformanceCase.Parse(doc.RootElement.Clone());
    }
}
