using Tessera.NN;
using Tessera.Optim;

namespace Tessera.Tests.NN;

/// <summary>CNN blocks: torchvision state-dict names (in order), output shapes, argument errors, causality, and learning.</summary>
public class BlocksTests
{
    private static string[] Bn(string p) => [$"{p}.weight", $"{p}.bias", $"{p}.running_mean", $"{p}.running_var", $"{p}.num_batches_tracked"];

    [Fact]
    public void BasicBlockHasTorchvisionNames()
    {
        string[] expected = ["conv1.weight", .. Bn("bn1"), "conv2.weight", .. Bn("bn2"), "downsample.0.weight", .. Bn("downsample.1")];
        Assert.Equal(expected, new BasicBlock(4, 8, 2, downsample: true).StateDict().Keys.ToArray());
    }

    [Fact]
    public void BottleneckHasTorchvisionNamesAndWidth()
    {
        var b = new Bottleneck(16, 4);
        string[] expected = ["conv1.weight", .. Bn("bn1"), "conv2.weight", .. Bn("bn2"), "conv3.weight", .. Bn("bn3")];
        Assert.Equal(expected, b.StateDict().Keys.ToArray());
        // resnext50_32x4d's first stage: planes 64, 32 groups of 4 → width 128.
        Assert.Equal(128, new ResNeXtBlock(256, 64, cardinality: 32, baseWidth: 4).Width);
        // int(3·40/64)·2 = int(1.875)·2 = 2: truncation before the groups multiply.
        Assert.Equal(2, new ResNeXtBlock(12, 3, cardinality: 2, baseWidth: 40).Width);
    }

    [Fact]
    public void MobileNetV2AndShuffleNetV2HaveTorchvisionNames()
    {
        var mv2 = new MobileNetV2InvertedResidual(4, 4, 1, 6).StateDict().Keys.ToArray();
        Assert.Equal(["conv.0.0.weight", .. Bn("conv.0.1"), "conv.1.0.weight", .. Bn("conv.1.1"), "conv.2.weight", .. Bn("conv.3")], mv2);
        var mv2e1 = new MobileNetV2InvertedResidual(4, 6, 2, 1).StateDict().Keys.ToArray();
        Assert.Equal(["conv.0.0.weight", .. Bn("conv.0.1"), "conv.1.weight", .. Bn("conv.2")], mv2e1);
        var sv2 = new ShuffleNetV2InvertedResidual(4, 8, 2).StateDict().Keys.ToArray();
        Assert.Equal(["branch1.0.weight", .. Bn("branch1.1"), "branch1.2.weight", .. Bn("branch1.3"),
            "branch2.0.weight", .. Bn("branch2.1"), "branch2.3.weight", .. Bn("branch2.4"), "branch2.5.weight", .. Bn("branch2.6")], sv2);
        Assert.DoesNotContain(new ShuffleNetV2InvertedResidual(6, 6, 1).StateDict().Keys, k => k.StartsWith("branch1"));
    }

    [Fact]
    public void InceptionHasTorchvisionNames()
    {
        var keys = new InceptionModule(4, 2, 3, 4, 2, 3, 2).StateDict().Keys.ToArray();
        string[] expected = ["branch1.conv.weight", .. Bn("branch1.bn"), "branch2.0.conv.weight", .. Bn("branch2.0.bn"), "branch2.1.conv.weight", .. Bn("branch2.1.bn"),
            "branch3.0.conv.weight", .. Bn("branch3.0.bn"), "branch3.1.conv.weight", .. Bn("branch3.1.bn"), "branch4.1.conv.weight", .. Bn("branch4.1.bn")];
        Assert.Equal(expected, keys);
    }

    [Theory]
    [InlineData(1, 7, 7)]
    [InlineData(2, 7, 4)]
    [InlineData(2, 6, 3)]
    public void StridedBlocksGiveTheCatalogOutputSize(int stride, int h, int expected)
    {
        var x = Tensor.Randn([2, 4, h, h]);
        Assert.Equal([2, 8, expected, expected], new BasicBlock(4, 8, stride, downsample: true).Forward(x).Shape);
        Assert.Equal([2, 8, expected, expected], new PreActBlock(4, 8, stride).Forward(x).Shape);
        Assert.Equal([2, 8, expected, expected], new MobileNetBlock(4, 8, stride).Forward(x).Shape);
        Assert.Equal([2, 8, expected, expected], new MobileNetV2InvertedResidual(4, 8, stride, 2).Forward(x).Shape);
        if (stride > 1) Assert.Equal([2, 8, expected, expected], new ShuffleNetV2InvertedResidual(4, 8, stride).Forward(x).Shape);
    }

    [Fact]
    public void BlocksRejectBadConfigsAndInputs()
    {
        Assert.Throws<ArgumentException>(() => new BasicBlock(4, 8));                       // identity shortcut with a channel change
        Assert.Throws<ArgumentException>(() => new BasicBlock(4, 4, groups: 2));
        Assert.Throws<ArgumentException>(() => new ShuffleNetUnit(8, 16, 2, 1));            // stride 1 needs in == out
        Assert.Throws<ArgumentException>(() => new ShuffleNetV2InvertedResidual(4, 4, 4));  // stride 4
        Assert.Throws<ArgumentException>(() => new MobileNetV2InvertedResidual(4, 4, 3, 6));
        var e = Assert.Throws<ArgumentException>(() => new BasicBlock(4, 4).Forward(Tensor.Zeros(2, 3, 5, 5)));
        Assert.Contains("BasicBlock(inplanes=4)", e.Message);
        Assert.Contains("[2, 3, 5, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new TemporalBlock(3, 4, 3).Forward(Tensor.Zeros(2, 4, 5)));
        Assert.Contains("TemporalBlock(n_inputs=3)", e.Message);
    }

    [Fact]
    public void TemporalBlockIsCausal()
    {
        var m = new TemporalBlock(2, 3, 3, 2);
        var x = Tensor.Randn([2, 2, 9], new Generator(3));
        var y = m.Forward(x).ToArray();
        var x2 = x.Clone();
        for (int b = 0; b < 2; b++) for (int c = 0; c < 2; c++) for (int t = 5; t < 9; t++) x2.Data[(b * 2 + c) * 9 + t] += 1.7f;
        var y2 = m.Forward(x2).ToArray();
        for (int b = 0; b < 2; b++) for (int c = 0; c < 3; c++) for (int t = 0; t < 5; t++)
            Assert.Equal(y[(b * 3 + c) * 9 + t], y2[(b * 3 + c) * 9 + t]);
        Assert.NotEqual(y, y2);
    }

    [Fact]
    public void SmallResidualNetworkLearns()
    {
        // Class 1 when the left half of the image is brighter than the right half.
        Generator.ManualSeed(7);
        var gen = new Generator(11);
        var x = Tensor.Randn([32, 1, 6, 6], gen);
        var labels = new long[32];
        for (int i = 0; i < 32; i++)
        {
            labels[i] = i % 2;
            for (int r = 0; r < 6; r++) for (int c = 0; c < 6; c++) x.Data[i * 36 + r * 6 + c] += (c < 3) == (i % 2 == 1) ? 1f : -1f;
        }
        var y = Tensor.FromLongs(labels);
        var model = new Sequential(new Conv2d(1, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new BasicBlock(4, 4),
            new SqueezeExcitation(4, 2), new GlobalAvgPool2d(), new Flatten(), new Linear(4, 2));
        var opt = new SGD(model.Parameters(), 0.1, momentum: 0.9);
        float first = 0, last = 0;
        for (int step = 0; step < 40; step++)
        {
            opt.ZeroGrad();
            var loss = F.CrossEntropy(model.Forward(x), y);
            loss.Backward();
            opt.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first * 0.3f, $"loss {first} → {last}");
    }
}
