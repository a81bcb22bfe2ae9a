using System.Text.Json;

namespace Tessera.Tests.Cli;

public class TrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-cli").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Err) Cli(params string[] args)
    {
        var err = new StringWriter(); var old = Console.Error;
        Console.SetError(err);
        try { return (Tessera.Cli.Program.Main(args), err.ToString()); }
        finally { Console.SetError(old); }
    }

    [Theory]
    [InlineData("train --model nope", "unknown model 'nope'")]
    [InlineData("train --model mlp --dataset nope", "unknown dataset 'nope'")]
    [InlineData("train --model mlp --dataset mnist --data-dir /nonexistent/dir", "data directory '/nonexistent/dir' does not exist")]
    [InlineData("train --model mlp --checkpoint /proc/nope/x.ckpt", "checkpoint directory")]
    [InlineData("eval --checkpoint /nonexistent.ckpt", "/nonexistent.ckpt: file not found")]
    public void BadInputGivesOneLineAndExitCode2(string args, string expected)
    {
        var (code, err) = Cli(args.Split(' '));
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void TrainWritesCheckpointChartsAndMetricsThenEvalReadsThem()
    {
        var ckpt = Path.Combine(_dir, "m.ckpt"); var metrics = Path.Combine(_dir, "m.json");
        var (code, err) = Cli("train", "--model", "mlp", "--train-size", "400", "--epochs", "1", "--checkpoint", ckpt, "--metrics-out", metrics);
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(File.ReadAllText(metrics));
        foreach (var k in new[] { "test_accuracy", "test_loss", "train_loss", "epochs", "seconds" }) Assert.True(doc.RootElement.TryGetProperty(k, out _), k);
        Assert.True(doc.RootElement.GetProperty("test_accuracy").GetDouble() > 0.2);
        Assert.Contains("<polyline", File.ReadAllText(Path.Combine(_dir, "m.curves.svg")));
        Assert.Contains("predicted", File.ReadAllText(Path.Combine(_dir, "m.confusion.svg")));
        Assert.Equal(0, Cli("eval", "--checkpoint", ckpt).Code);
    }
}
