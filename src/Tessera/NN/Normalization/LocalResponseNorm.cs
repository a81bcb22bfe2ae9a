namespace Tessera.NN;

/// <summary>
/// Local response normalisation across channels (Krizhevsky et al. 2012, AlexNet), torch.nn.LocalResponseNorm:
/// y_c = x_c / (k + α/n · Σ_{c' near c} x_{c'}²)^β over a window of n channels (⌊n/2⌋ below, ⌊(n−1)/2⌋ above).
/// A lateral inhibition between feature maps; α is divided by n (PyTorch's convention, not the paper's).
/// Input [N, C, *] with at least 3 dims; output the same shape. No parameters.
/// </summary>
public sealed class LocalResponseNorm : Module
{
    public int Size { get; }
    public double Alpha { get; }
    public double Beta { get; }
    public double K { get; }

    public LocalResponseNorm(int size, double alpha = 1e-4, double beta = 0.75, double k = 1.0)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), $"LocalResponseNorm: size must be positive, got {size}");
        (Size, Alpha, Beta, K) = (size, alpha, beta, k);
    }

    public override Tensor Forward(Tensor x) => F.LocalResponseNorm(x, Size, Alpha, Beta, K);
    public override string ExtraRepr() => $"{Size}, alpha={Alpha}, beta={Beta}, k={K}";
}
