namespace Tessera.Data;

/// <summary>A named classification dataset ready to train on: normalised train and test splits and class names.</summary>
public sealed record NamedDataset(string Name, TensorDataset Train, TensorDataset Test, IReadOnlyList<string> Classes);

/// <summary>The datasets the command line knows: <c>digits</c> (embedded, synthetic), <c>mnist</c> and <c>fashion-mnist</c> (IDX files in a folder).</summary>
public static class DatasetCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["digits", "mnist", "fashion-mnist"];

    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    private static readonly string[] Fashion = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"];

    /// <summary>
    /// Loads a dataset by name. MNIST-format sets are normalised with their usual mean and std (MNIST 0.1307/0.3081,
    /// Fashion-MNIST 0.2860/0.3530); the synthetic digits with statistics of their own training split.
    /// </summary>
    public static NamedDataset Load(string name, string? dataDir = null, int? trainSize = null, int? testSize = null)
    {
        switch (name)
        {
            case "digits":
                {
                    var train = SyntheticDigits.Generate(trainSize ?? 12_000, seed: 1);
                    var test = SyntheticDigits.Generate(testSize ?? 2_000, seed: 2);
                    var (ntrain, mean, std) = train.Normalize();
                    return new NamedDataset(name, ntrain, test.Normalize(mean, std).Normalized, Digits);
                }
            case "mnist":
            case "fashion-mnist":
                {
                    if (dataDir == null) throw new ArgumentException($"dataset '{name}' needs --data-dir pointing at its IDX files (train-images-idx3-ubyte.gz, ...)");
                    var (train, test) = Idx.LoadMnistFolder(dataDir);
                    float[] mean = name == "mnist" ? [0.1307f] : [0.2860f], std = name == "mnist" ? [0.3081f] : [0.3530f];
                    train = Take(train.Normalize(mean, std).Normalized, trainSize);
                    test = Take(test.Normalize(mean, std).Normalized, testSize);
                    return new NamedDataset(name, train, test, name == "mnist" ? Digits : Fashion);
                }
            default:
                throw new ArgumentException($"unknown dataset '{name}' (known: {string.Join(", ", Names)})");
        }
    }

    private static TensorDataset Take(TensorDataset d, int? n)
    {
        if (n is not int k || k >= d.Count) return d;
        var idx = Enumerable.Range(0, k).ToArray();
        return new TensorDataset(TensorDataset.Rows(d.X, idx), TensorDataset.Rows(d.Y, idx));
    }
}
