using Tessera.NN;

namespace Tessera.Models;

/// <summary>Named models for the command line and the benchmarks, with the input shape each expects.</summary>
public static class ModelZoo
{
    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names => Builders.Keys.Order().ToList();

    private static readonly Dictionary<string, (Func<int, Module> Make, int[] Input, string Description)> Builders = new()
    {
        ["mlp"] = (classes => Mlp(784, [512, 256], classes), [1, 28, 28], "784→512→256→classes, ReLU"),
        ["lenet5"] = (LeNet5, [1, 28, 28], "LeNet-5 (LeCun et al. 1998) with ReLU and max pooling, 28×28 input"),
        ["resnet8"] = (classes => ResNet.ResNet8(classes), [1, 28, 28], "small ResNet: 3×3 stem, three stages of one basic block (16, 32, 64 channels), 28×28 grey input"),
        ["resnet18"] = (classes => ResNet.ResNet18(classes, inChannels: 1), [1, 28, 28], "ResNet-18 (He et al. 2016), torchvision layout, grey input"),
    };

    /// <summary>Registers a model (used by families that add architectures).</summary>
    public static void Register(string name, Func<int, Module> make, int[] inputShape, string description) => Builders[name] = (make, inputShape, description);

    public static Module Create(string name, int classes = 10)
        => Builders.TryGetValue(name, out var b) ? b.Make(classes) : throw new ArgumentException($"unknown model '{name}' (known: {string.Join(", ", Names)})");

    /// <summary>The per-example input shape (without the batch dim).</summary>
    public static int[] InputShape(string name)
        => Builders.TryGetValue(name, out var b) ? (int[])b.Input.Clone() : throw new ArgumentException($"unknown model '{name}' (known: {string.Join(", ", Names)})");

    public static string Description(string name) => Builders.TryGetValue(name, out var b) ? b.Description : "";

    /// <summary>
    /// LeNet-5 (LeCun et al. 1998) as in WORKLOADS.md: Conv(1,6,5,pad 2), ReLU, MaxPool 2; Conv(6,16,5), ReLU, MaxPool 2;
    /// Flatten; Linear 400→120→84→classes with ReLU. Input [N, 1, 28, 28].
    /// </summary>
    public static Sequential LeNet5(int classes) => new(
        new Conv2d(1, 6, 5, padding: 2), new ReLU(), new MaxPool2d(2),
        new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2), new Flatten(),
        new Linear(16 * 5 * 5, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, classes));

    /// <summary>A multi-layer perceptron on flattened inputs: Flatten, then Linear+ReLU per hidden size, then Linear to the classes.</summary>
    public static Sequential Mlp(int inputs, int[] hidden, int classes)
    {
        var s = new Sequential(new Flatten());
        int prev = inputs;
        foreach (var h in hidden) { s.Add(new Linear(prev, h)); s.Add(new ReLU()); prev = h; }
        s.Add(new Linear(prev, classes));
        return s;
    }
}
