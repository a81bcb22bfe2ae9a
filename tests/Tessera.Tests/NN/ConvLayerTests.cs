using Tessera.NN;

namespace Tessera.Tests.NN;

/// <summary>What the generic conformance and gradient checks cannot say about the convolution family: shapes, names, errors.</summary>
public class ConvLayerTests
{
    private static Tensor R(params int[] shape) => Tensor.Randn(shape, new Generator(5));

    [Fact]
    public void WrongChannelCountNamesLayerArgumentAndShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(3, 8, 3).Forward(R(8, 4, 32, 32)));
        Assert.Equal("Conv2d(in_channels=3): input has 4 channels (shape [8, 4, 32, 32])", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ConvTranspose1d(2, 3, 3).Forward(R(1, 5, 4)));
        Assert.Equal("ConvTranspose1d(in_channels=2): input has 5 channels (shape [1, 5, 4])", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.Conv2d(R(1, 4, 5, 5), R(2, 3, 3, 3)));
        Assert.Contains("input has 4 channels but weight [2, 3, 3, 3] with groups=1 expects 3", e.Message);
    }

    [Fact]
    public void KernelLargerThanPaddedInput()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 5, padding: 1).Forward(R(2, 3, 2, 6)));
        Assert.Equal("Conv2d: padded input [4, 8] is smaller than the dilated kernel [5, 5] (input shape [2, 3, 2, 6], padding [1, 1])", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Conv1d(1, 1, 3, dilation: 4).Forward(R(1, 1, 8)));
        Assert.Contains("smaller than the dilated kernel [9]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new MaxPool2d(3).Forward(R(1, 1, 2, 2)));
        Assert.StartsWith("MaxPool2d: padded input [2, 2]", e.Message);
    }

    [Fact]
    public void GroupsMustDivideChannels()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(4, 6, 3, groups: 3));
        Assert.Equal("Conv2d(groups=3): in_channels=4 and out_channels=6 must both be divisible by groups", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ConvTranspose2d(6, 4, 3, groups: 4));
        Assert.StartsWith("ConvTranspose2d(groups=4)", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.ChannelShuffle(R(1, 6, 2), 4));
        Assert.Contains("6 channels are not divisible", e.Message);
    }

    [Fact]
    public void RoisWithBadBatchIndex()
    {
        var rois = Tensor.FromArray([0, 1, 1, 4, 4, 2, 0, 0, 3, 3], 2, 5);
        var e = Assert.Throws<ArgumentException>(() => new RoIPool((2, 2), 1f).Forward(R(2, 3, 8, 8), rois));
        Assert.Equal("RoIPool: rois[1] has batch index 2 but the input has 2 images (input shape [2, 3, 8, 8], rois shape [2, 5])", e.Message);
        var frac = Tensor.FromArray([0.5f, 1, 1, 4, 4], 1, 5);
        e = Assert.Throws<ArgumentException>(() => new RoIAlign((2, 2), 1f).Forward(R(2, 3, 8, 8), frac));
        Assert.StartsWith("RoIAlign: rois[0] has batch index 0.5", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.RoiAlign(R(2, 3, 8, 8), R(3, 4), (2, 2)));
        Assert.Contains("rois must be [K, 5]", e.Message);
    }

    [Fact]
    public void OtherArgumentErrors()
    {
        Assert.Contains("output_padding [2] must be smaller than max(stride, dilation)",
            Assert.Throws<ArgumentException>(() => new ConvTranspose1d(1, 1, 3, stride: 2, outputPadding: 2)).Message);
        Assert.Contains("stride must be 1", Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, 3, stride: 2, padding: "same")).Message);
        Assert.Contains("must be smaller than the padded dim", Assert.Throws<ArgumentException>(() => new ReflectionPad2d(4).Forward(R(1, 1, 4, 6))).Message);
        Assert.Contains("must be at most half", Assert.Throws<ArgumentException>(() => new MaxPool2d(2, padding: 2).Forward(R(1, 1, 6, 6))).Message);
        Assert.Contains("input must be [N, 2, 5, 5]", Assert.Throws<ArgumentException>(() => new LocallyConnected2d(2, 3, 5, 3).Forward(R(1, 2, 6, 5))).Message);
        Assert.Contains("gives 6", Assert.Throws<ArgumentException>(() => F.Fold(R(1, 8, 5), (3, 4), 2)).Message);
        Assert.Contains("give exactly one of size and scale_factor", Assert.Throws<ArgumentException>(() => new Upsample()).Message);
    }

    [Fact]
    public void OutputShapes()
    {
        Assert.Equal([2, 8, 16, 16], new Conv2d(3, 8, 3, padding: 1).Forward(R(2, 3, 16, 16)).Shape);
        Assert.Equal([2, 8, 8, 8], new Conv2d(3, 8, 3, stride: 2, padding: 1).Forward(R(2, 3, 16, 16)).Shape);
        Assert.Equal([2, 4, 7, 9], new Conv2d(3, 4, (4, 2), padding: "same", dilation: (1, 3)).Forward(R(2, 3, 7, 9)).Shape);
        Assert.Equal([4, 4, 6], new Conv2d(3, 4, 3, padding: "valid").Forward(R(3, 6, 8)).Shape);   // unbatched
        Assert.Equal([2, 4, 16, 16], new ConvTranspose2d(8, 4, 4, stride: 2, padding: 1).Forward(R(2, 8, 8, 8)).Shape);
        Assert.Equal([1, 2, 8, 5, 10], new ConvTranspose3d(3, 2, 3, stride: (2, 1, 2), padding: 1, outputPadding: (1, 0, 1)).Forward(R(1, 3, 4, 5, 5)).Shape);
        Assert.Equal([2, 3, 4, 4], new MaxPool2d(2).Forward(R(2, 3, 8, 9)).Shape);
        Assert.Equal([2, 3, 5, 5], new MaxPool2d(2, ceilMode: true).Forward(R(2, 3, 9, 9)).Shape);
        Assert.Equal([2, 3, 1, 1], new AdaptiveAvgPool2d(1).Forward(R(2, 3, 7, 5)).Shape);
        Assert.Equal([2, 3], new GlobalAvgPool2d().Forward(R(2, 3, 7, 5)).Shape);
        Assert.Equal([2, 3, 14, 10], new Upsample(2.0).Forward(R(2, 3, 7, 5)).Shape);
        Assert.Equal([2, 60], new Flatten().Forward(R(2, 3, 4, 5)).Shape);
        Assert.Equal([2, 3, 2, 2, 5], new Unflatten(2, [2, 2]).Forward(R(2, 3, 4, 5)).Shape);
        Assert.Equal([2, 2, 6, 6], new PixelShuffle(3).Forward(R(2, 18, 2, 2)).Shape);
        Assert.Equal([2, 3, 7, 9], new ReplicationPad2d([1, 2, 3, 0]).Forward(R(2, 3, 4, 6)).Shape);
    }

    [Fact]
    public void ParameterNamesAndCounts()
    {
        Assert.Equal(["weight", "bias"], new Conv2d(3, 8, 3).StateDict().Keys);
        Assert.Equal([8, 3, 3, 3], new Conv2d(3, 8, 3).Weight.Shape);
        Assert.Equal([8, 2, 3, 3], new ConvTranspose2d(8, 4, 3, groups: 2).Weight.Shape);
        var sep = new DepthwiseSeparableConv2d(32, 64, 3, padding: 1, depthMultiplier: 1, bias: false);
        Assert.Equal(["depthwise.weight", "pointwise.weight"], sep.StateDict().Keys);
        // The point of separable convs: 32·9 + 32·64 weights instead of 32·64·9.
        Assert.Equal(32 * 9 + 32 * 64, sep.ParameterCount());
        Assert.Equal(32 * 64 * 9, new Conv2d(32, 64, 3, bias: false).ParameterCount());
        Assert.Equal(["lateral.weight", "vertical.weight", "horizontal.weight", "horizontal.bias"], new FlattenedConv2d(3, 4, 3).StateDict().Keys);
        Assert.Equal(["weight", "bias", "offset.weight", "offset.bias"], new DeformableConv2d(3, 4, 3).StateDict().Keys);
        Assert.Equal([2, 3, 4, 3, 3, 3], new TiledConv2d(3, 4, 3, tiles: (2, 3)).Weight.Shape);
        Assert.Equal([4, 4], new LocallyConnected2d(3, 4, 6, 3).Weight.Shape[..2]);
    }

    [Fact]
    public void DefaultInitMatchesPyTorchBounds()
    {
        var c = new Conv2d(4, 6, 3, groups: 2);
        double bound = 1 / Math.Sqrt(2 * 9);   // kaiming-uniform(a=√5) gives 1/√fan_in, fan_in = in/groups·k²
        Assert.All(c.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(c.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(c.Weight.ToArray().Max() > bound * 0.5);
    }

    [Fact]
    public void UntrainedDeformableConvIsPlainConv()
    {
        var d = new DeformableConv2d(2, 3, 3, padding: 1);
        var x = R(2, 2, 5, 6);
        var expected = F.Conv2d(x, d.Weight, d.Bias, padding: 1).ToArray();
        var actual = d.Forward(x).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }

    [Fact]
    public void TiledConvWithOneTileIsConv()
    {
        var t = new TiledConv2d(2, 3, (2, 3), padding: 1, tiles: 1);
        var x = R(2, 2, 5, 6);
        var w = F.Reshape(t.Weight, 3, 2, 2, 3);
        var expected = F.Conv2d(x, w, t.Bias, padding: 1).ToArray();
        var actual = t.Forward(x).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }

    [Fact]
    public void PaddingModesMatchExplicitPadThenConv()
    {
        foreach (var mode in new[] { PadMode.Reflect, PadMode.Replicate, PadMode.Circular })
        {
            var m = new Conv2d(2, 3, (3, 2), stride: (1, 2), padding: (2, 1), paddingMode: mode);
            var x = R(2, 2, 5, 6);
            var expected = F.Conv2d(F.Pad(x, [1, 1, 2, 2], mode), m.Weight, m.Bias, stride: (1, 2)).ToArray();
            Assert.Equal(expected, m.Forward(x).ToArray());
        }
    }

    [Fact]
    public void ConvTrainsOnAToyTask()
    {
        // A 3×3 conv learns a fixed edge filter from examples: the loss must fall by two orders of magnitude.
        var gen = new Generator(3);
        var target = new Conv2d(1, 1, 3, padding: 1, bias: false);
        var model = new Conv2d(1, 1, 3, padding: 1);
        var x = Tensor.Randn([8, 1, 10, 10], gen);
        Tensor y;
        using (GradMode.NoGrad()) y = target.Forward(x);
        float first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            model.ZeroGrad();
            var loss = F.Mean(F.Square(F.Sub(model.Forward(x), y)));
            loss.Backward();
            foreach (var p in model.Parameters()) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(p.Grad!.Data, -0.1f, p.Data, p.Data);
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first / 100, $"loss {first} → {last}");
    }
}
