using Tessera.NN;

namespace Tessera.Tests.NN;

public class ModuleTests
{
    private static Sequential Mlp() => new(new Linear(4, 3), new ReLU(), new Linear(3, 2, bias: false));

    [Fact]
    public void StateDictUsesPyTorchNames()
    {
        Assert.Equal(["0.weight", "0.bias", "2.weight"], Mlp().StateDict().Keys);
        Assert.Equal(3 * 4 + 3 + 2 * 3, Mlp().ParameterCount());
    }

    [Fact]
    public void LoadStateDictRoundTrips()
    {
        var a = Mlp(); var b = Mlp();
        b.LoadStateDict(a.StateDict());
        var x = Tensor.Randn([5, 4]);
        Assert.Equal(a.Forward(x).ToArray(), b.Forward(x).ToArray());
    }

    [Fact]
    public void StrictLoadListsEveryProblemAndChangesNothing()
    {
        var m = Mlp();
        var before = m.StateDict()["0.weight"].ToArray();
        var bad = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Zeros(3, 4),
            ["0.bias"] = Tensor.Zeros(5),
            ["extra.weight"] = Tensor.Zeros(1),
        };
        var e = Assert.Throws<ArgumentException>(() => m.LoadStateDict(bad));
        Assert.Contains("missing keys: 2.weight", e.Message);
        Assert.Contains("unexpected keys: extra.weight", e.Message);
        Assert.Contains("0.bias: expected float32 [3], got float32 [5]", e.Message);
        Assert.Equal(before, m.StateDict()["0.weight"].ToArray());
    }

    [Fact]
    public void TrainEvalPropagatesToChildren()
    {
        var m = Mlp();
        m.Eval();
        Assert.All(m.NamedModules(), x => Assert.False(x.Module.Training));
        m.Train();
        Assert.All(m.NamedModules(), x => Assert.True(x.Module.Training));
    }

    [Fact]
    public void LinearRejectsWrongFeatureCount()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(4, 2).Forward(Tensor.Zeros(3, 5)));
        Assert.Contains("Linear(in_features=4)", e.Message);
        Assert.Contains("[3, 5]", e.Message);
    }

    [Fact]
    public void ContainersNameChildren()
    {
        var list = new ModuleList(new Linear(2, 2), new Linear(2, 1));
        var dict = new ModuleDict().Add("enc", new Linear(2, 2));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], list.StateDict().Keys);
        Assert.Equal(["enc.weight", "enc.bias"], dict.StateDict().Keys);
        Assert.Contains("(0): Linear(in_features=2, out_features=2, bias=True)", list.ToString());
    }

    [Fact]
    public void LinearInitMatchesPyTorchBounds()
    {
        Generator.ManualSeed(1);
        var l = new Linear(100, 50);
        float bound = 1 / MathF.Sqrt(100);
        Assert.All(l.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        // U(−b, b) has variance b²/3.
        double var = l.Weight.ToArray().Select(v => (double)v * v).Average();
        Assert.InRange(var, bound * bound / 3 * 0.9, bound * bound / 3 * 1.1);
    }

    [Fact]
    public void OrthogonalInitIsOrthonormal()
    {
        var w = Init.Orthogonal(Tensor.Zeros(6, 4), gain: 1, new Generator(3));
        var g = F.Matmul(w.T(), w).ToArray();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) Assert.Equal(i == j ? 1f : 0f, g[i * 4 + j], 4);
    }

    [Fact]
    public void XavierAndKaimingNormalHaveTheirVariance()
    {
        var x = Init.XavierNormal(Tensor.Zeros(200, 300), 1, new Generator(5));
        double v = x.ToArray().Select(a => (double)a * a).Average();
        Assert.InRange(v, 2.0 / 500 * 0.95, 2.0 / 500 * 1.05);
        var k = Init.KaimingNormal(Tensor.Zeros(200, 300), nonlinearity: "relu", g: new Generator(6));
        double kv = k.ToArray().Select(a => (double)a * a).Average();
        Assert.InRange(kv, 2.0 / 300 * 0.95, 2.0 / 300 * 1.05);
    }
}
