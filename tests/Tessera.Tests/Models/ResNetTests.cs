using Tessera.Data;
using Tessera.Models;
using Tessera.Optim;
using Tessera.Train;

namespace Tessera.Tests.Models;

public class ResNetTests
{
    [Fact]
    public void ResNet18HasTorchvisionStateDictNamesAndSizes()
    {
        var m = ResNet.ResNet18(classes: 10);
        var keys = m.StateDict().Keys.ToList();
        // The first keys and a downsample block, in torchvision's order.
        Assert.Equal(["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked", "layer1.0.conv1.weight"], keys.Take(7));
        Assert.Contains("layer2.0.downsample.0.weight", keys);
        Assert.Contains("layer2.0.downsample.1.running_var", keys);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", keys);
        Assert.Equal(["fc.weight", "fc.bias"], keys.TakeLast(2));
        Assert.Equal(122, keys.Count);
        // torchvision's resnet18(num_classes=10) has 11,181,642 parameters.
        Assert.Equal(11_181_642, m.ParameterCount());
        m.Eval();
        using var _ = GradMode.NoGrad();
        Assert.Equal([2, 10], m.Forward(Tensor.Randn([2, 3, 64, 64])).Shape);
    }

    [Fact]
    public void SmallResNetLearnsTheDigits()
    {
        var data = DatasetCatalog.Load("digits", trainSize: 800, testSize: 200);
        Generator.ManualSeed(2);
        var model = ModelZoo.Create("resnet8");
        var trainer = new Trainer(model, new Adam(model.Parameters(), 3e-3));
        var h = trainer.Fit(data.Train, null, new TrainerOptions { Epochs = 2, BatchSize = 32 });
        Assert.True(h[1].TrainLoss < h[0].TrainLoss, $"loss {h[0].TrainLoss} → {h[1].TrainLoss}");
        Assert.True(trainer.Evaluate(data.Test).Accuracy > 0.5);
    }
}
