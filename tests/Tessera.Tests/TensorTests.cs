namespace Tessera.Tests;

public class TensorTests
{
    [Fact]
    public void ReshapeIsAViewAndInfersMinusOne()
    {
        var x = Tensor.Arange(6);
        var y = x.Reshape(2, -1);
        Assert.Equal([2, 3], y.Shape);
        y.Data[0] = 42;
        Assert.Equal(42, x.Data[0]);
        Assert.Throws<ArgumentException>(() => x.Reshape(4, -1));
    }

    [Fact]
    public void ToStringShowsShapeDtypeAndPreview()
    {
        var s = Tensor.Arange(10).Reshape(2, 5).ToString();
        Assert.Contains("shape=[2, 5], dtype=float32", s);
        Assert.Contains("[0, 1, 2, 3, 4]", s);
        var big = Tensor.Arange(100).ToString();
        Assert.Contains("0, 1, 2, ..., 97, 98, 99", big);
    }

    [Fact]
    public void ComparisonsGiveBoolMasks()
    {
        var m = F.Gt(Tensor.FromArray([1f, 5f, 3f]), Tensor.Scalar(2f));
        Assert.Equal(DType.Bool, m.DType);
        Assert.Equal([false, true, true], m.BoolData.ToArray());
    }

    [Fact]
    public void MatmulShapesFollowTorch()
    {
        Assert.Equal([2, 5], F.Matmul(Tensor.Ones(2, 3), Tensor.Ones(3, 5)).Shape);
        Assert.Equal([5], F.Matmul(Tensor.Ones(3), Tensor.Ones(3, 5)).Shape);
        Assert.Equal([2], F.Matmul(Tensor.Ones(2, 3), Tensor.Ones(3)).Shape);
        Assert.Empty(F.Matmul(Tensor.Ones(3), Tensor.Ones(3)).Shape);
        Assert.Equal([4, 2, 2, 5], F.Matmul(Tensor.Ones(4, 1, 2, 3), Tensor.Ones(2, 3, 5)).Shape);
        var e = Assert.Throws<ArgumentException>(() => F.Matmul(Tensor.Ones(2, 3), Tensor.Ones(4, 5)));
        Assert.Contains("[2, 3] × [4, 5]", e.Message);
    }

    [Fact]
    public void SplitChunkAndGatherWork()
    {
        var x = Tensor.Arange(10).Reshape(5, 2);
        var parts = F.Split(x, 2, 0);
        Assert.Equal(3, parts.Length);
        Assert.Equal([1, 2], parts[2].Shape);
        var g = F.Gather(Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2), 1, Tensor.FromLongs([1, 1, 0, 1], 2, 2));
        Assert.Equal([2f, 2f, 3f, 4f], g.ToArray());
    }

    [Fact]
    public void SameSeedGivesSameValues()
    {
        Assert.Equal(Tensor.Randn([5], new Generator(7)).ToArray(), Tensor.Randn([5], new Generator(7)).ToArray());
        var g = new Generator(9); g.NextNormal();
        var state = g.GetState(); var a = g.NextDouble();
        g.SetState(state);
        Assert.Equal(a, g.NextDouble());
    }

    [Fact]
    public void LogSoftmaxIsFiniteForLargeInputs()
    {
        var y = F.LogSoftmax(Tensor.FromArray([80f, -60f, 0f]), 0).ToArray();
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0f, y[0], 5);
        Assert.Equal(-140f, y[1], 3);
    }

    [Fact]
    public void BceWithLogitsIsFiniteForLargeLogits()
    {
        var l = F.BinaryCrossEntropyWithLogits(Tensor.FromArray([60f, -60f]), Tensor.FromArray([0f, 1f]), Reduction.None).ToArray();
        Assert.Equal([60f, 60f], l);
    }

    [Fact]
    public void CrossEntropyRejectsOutOfRangeTarget()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(Tensor.Zeros(2, 3), Tensor.FromLongs([0, 3])));
        Assert.Contains("target 3 is out of range for 3 classes", e.Message);
    }
}
