namespace Tessera.NN;

/// <summary>Zeroes elements with probability p in training (scaling the rest by 1/(1−p)); identity in eval. Any shape.</summary>
public sealed class Dropout : Module
{
    public float P { get; }
    public Dropout(float p = 0.5f)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p must be in [0, 1], got {p}");
        P = p;
    }
    public override Tensor Forward(Tensor x) => F.Dropout(x, P, Training);
    public override string ExtraRepr() => $"p={P}";
}

/// <summary>Zeroes whole channels of [N, C, H, W] with probability p in training; identity in eval.</summary>
public sealed class Dropout2d : Module
{
    public float P { get; }
    public Dropout2d(float p = 0.5f)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout2d: p must be in [0, 1], got {p}");
        P = p;
    }
    public override Tensor Forward(Tensor x) => F.Dropout2d(x, P, Training);
    public override string ExtraRepr() => $"p={P}";
}

/// <summary>Dropout that keeps SELU's self-normalising mean and variance; identity in eval.</summary>
public sealed class AlphaDropout : Module
{
    public float P { get; }
    public AlphaDropout(float p = 0.5f)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"AlphaDropout: p must be in [0, 1], got {p}");
        P = p;
    }
    public override Tensor Forward(Tensor x) => F.AlphaDropout(x, P, Training);
    public override string ExtraRepr() => $"p={P}";
}
