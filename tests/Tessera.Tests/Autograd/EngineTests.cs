namespace Tessera.Tests.Autograd;

public class EngineTests
{
    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var x = Tensor.FromArray([1f, 2f, 3f]).RequiresGrad_();
        F.Sum(x * x).Backward();
        F.Sum(x * 3f).Backward();
        Assert.Equal([2f + 3f, 4f + 3f, 6f + 3f], x.Grad!.ToArray());
    }

    [Fact]
    public void SharedSubexpressionGetsBothContributions()
    {
        var x = Tensor.FromArray([2f]).RequiresGrad_();
        var y = x * x;            // used twice below
        (y * y + y).Sum().Backward(); // d/dx (x⁴ + x²) = 4x³ + 2x = 36
        Assert.Equal(36f, x.Grad!.Item(), 4);
    }

    [Fact]
    public void LongChainDoesNotOverflowTheStack()
    {
        var x = Tensor.FromArray([1f]).RequiresGrad_();
        var h = x;
        for (int i = 0; i < 10_000; i++) h = h * 1.0001f + 0f;
        h.Sum().Backward();
        Assert.Equal(MathF.Pow(1.0001f, 10_000), x.Grad!.Item(), 2);
    }

    [Fact]
    public void SecondBackwardThroughFreedGraphThrows()
    {
        var x = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var y = F.Sum(F.Exp(x));
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("second time", e.Message);
    }

    [Fact]
    public void RetainGraphAllowsSecondBackward()
    {
        var x = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var y = F.Sum(F.Exp(x));
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal(2 * MathF.E, x.Grad!.Data[0], 4);
    }

    [Fact]
    public void BackwardOnTensorWithoutGradThrows()
    {
        var y = F.Sum(Tensor.Ones(3));
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("does not require grad", e.Message);
    }

    [Fact]
    public void NonScalarBackwardNeedsGradient()
    {
        var x = Tensor.Ones(3).RequiresGrad_();
        var y = x * 2f;
        Assert.Throws<ArgumentException>(() => y.Backward());
        y.Backward(Tensor.FromArray([1f, 0f, 2f]));
        Assert.Equal([2f, 0f, 4f], x.Grad!.ToArray());
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        var x = Tensor.Ones(2).RequiresGrad_();
        Tensor y;
        using (GradMode.NoGrad()) y = x * 2f;
        Assert.False(y.RequiresGrad);
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void DetachCutsTheGraph()
    {
        var x = Tensor.FromArray([3f]).RequiresGrad_();
        var y = x * x.Detach();
        y.Sum().Backward();
        Assert.Equal(3f, x.Grad!.Item());
    }

    [Fact]
    public void BroadcastGradientIsSummedToInputShape()
    {
        var b = Tensor.Zeros(3, 1).RequiresGrad_();
        (Tensor.Ones(2, 3, 4) + b).Sum().Backward();
        Assert.Equal([3, 1], b.Grad!.Shape);
        Assert.All(b.Grad.ToArray(), v => Assert.Equal(8f, v));
    }

    [Fact]
    public void RetainGradKeepsIntermediateGradient()
    {
        var x = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var h = (x * 3f).RetainGrad();
        (h * h).Sum().Backward();
        Assert.Equal([6f, 12f], h.Grad!.ToArray());
    }

    [Fact]
    public void LeavesNeverShareGradientStorage()
    {
        var a = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var b = Tensor.FromArray([3f, 4f]).RequiresGrad_();
        (a + b).Backward(Tensor.FromArray([1f, 1f]));
        a.Grad!.Data[0] = 100f;                       // e.g. an in-place clip of one gradient
        Assert.Equal([1f, 1f], b.Grad!.ToArray());
    }

    [Fact]
    public void TheCallersGradientIsNeverAdopted()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f]).RequiresGrad_();
        var y = x.Reshape(2, 2);
        var g = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        y.Backward(g);
        g.Data[0] = -7f;
        Assert.Equal([1f, 2f, 3f, 4f], x.Grad!.ToArray());
    }

    [Fact]
    public void RepeatedUseOfOneLeafSumsWithoutCorruptingOtherGradients()
    {
        var x = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var w = Tensor.FromArray([5f, 6f]).RequiresGrad_();
        var h = (x + w).RetainGrad();                 // h's gradient, w's and x's first share one array
        (h * 3f + x * 2f).Sum().Backward();
        Assert.Equal([5f, 5f], x.Grad!.ToArray());
        Assert.Equal([3f, 3f], w.Grad!.ToArray());
        Assert.Equal([3f, 3f], h.Grad!.ToArray());
        (x * 1f).Sum().Backward();                     // a second pass accumulates in place
        Assert.Equal([6f, 6f], x.Grad!.ToArray());
        Assert.Equal([3f, 3f], w.Grad!.ToArray());
        Assert.Equal([3f, 3f], h.Grad!.ToArray());
    }
}
