using Tessera.NN;
using Tessera.Optim;

namespace Tessera.Tests.Optim;

public class OptimizerTests
{
    [Fact]
    public void StateDictRoundTripContinuesIdentically()
    {
        var p1 = new Parameter(Tensor.FromArray([1f, -2f, 3f]));
        var opt = new Adam([p1], 0.1, amsgrad: true);
        for (int i = 0; i < 3; i++) { p1.Grad = Tensor.FromArray([0.5f, -1f, i]); opt.Step(); }
        var (t, o) = opt.StateDict();
        Assert.Contains("state.0.exp_avg", t.Keys);
        Assert.Contains("state.0.max_exp_avg_sq", t.Keys);
        Assert.Equal(3L, t["state.0.step"].ToLongArray()[0]);
        var p2 = new Parameter(p1.Clone());
        var opt2 = new Adam([p2], 0.5);
        opt2.LoadStateDict(t, o);
        Assert.Equal(0.1, opt2.ParamGroups[0].Lr);
        p1.Grad = Tensor.FromArray([1f, 1f, 1f]); p2.Grad = Tensor.FromArray([1f, 1f, 1f]);
        opt.Step(); opt2.Step();
        Assert.Equal(p1.ToArray(), p2.ToArray());
    }

    [Fact]
    public void ParameterGroupsHaveTheirOwnLearningRate()
    {
        var a = new Parameter(Tensor.Ones(1)); var b = new Parameter(Tensor.Ones(1));
        var opt = new SGD([new ParamGroup([a]), new ParamGroup([b], new Dictionary<string, double> { ["lr"] = 0.5 })], lr: 0.1);
        a.Grad = Tensor.Ones(1); b.Grad = Tensor.Ones(1);
        opt.Step();
        Assert.Equal(0.9f, a.Data[0], 6);
        Assert.Equal(0.5f, b.Data[0], 6);
    }

    [Fact]
    public void BadHyperParametersAreRejected()
    {
        var p = new Parameter(Tensor.Ones(1));
        Assert.Contains("invalid learning rate", Assert.Throws<ArgumentException>(() => new SGD([p], -1)).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new SGD([p], 0.1, nesterov: true)).Message);
        Assert.Contains("beta1", Assert.Throws<ArgumentException>(() => new Adam([p], betas: (1.0, 0.9))).Message);
        Assert.Contains("unknown optimizer", Assert.Throws<ArgumentException>(() => Optimizer.Create("lion", [p])).Message);
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => new SGD(Array.Empty<Parameter>(), 0.1)).Message);
    }

    [Fact]
    public void SgdMinimisesAQuadratic()
    {
        var x = new Parameter(Tensor.FromArray([5f, -3f]));
        var opt = new SGD([x], 0.1, momentum: 0.9, nesterov: true);
        for (int i = 0; i < 200; i++) { opt.ZeroGrad(); F.Sum(F.Square(x)).Backward(); opt.Step(); }
        Assert.All(x.ToArray(), v => Assert.InRange(v, -1e-3f, 1e-3f));
    }
}
