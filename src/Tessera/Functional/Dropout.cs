namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Dropout (Srivastava et al. 2014): in training, zeroes each element with probability p and scales the rest by
    /// 1/(1−p) (inverted dropout, so eval needs no rescaling); identity when not training or p = 0.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p = 0.5f, bool training = true, Generator? gen = null)
    {
        CheckP(p, "Dropout");
        if (!training || p == 0) return x;
        if (p == 1) return Mul(x, Tensor.Scalar(0f));
        gen ??= Generator.Default;
        var mask = BufferPool.RentZeroed(x.Numel); float scale = 1 / (1 - p);
        for (int i = 0; i < mask.Length; i++) mask[i] = gen.NextDouble() >= p ? scale : 0f;
        return Mul(x, Tensor.Wrap(mask, x.Shape));
    }

    /// <summary>Channel dropout (Tompson et al. 2015): zeroes whole feature maps [N, C, ...] with probability p, scaling the rest by 1/(1−p).</summary>
    public static Tensor Dropout2d(Tensor x, float p = 0.5f, bool training = true, Generator? gen = null)
    {
        CheckP(p, "Dropout2d");
        if (!training || p == 0) return x;
        if (x.Rank < 2) throw new ArgumentException($"Dropout2d: input must be [N, C, ...], got {ShapeUtil.Format(x.Dims)}");
        gen ??= Generator.Default;
        int n = x.Dims[0], c = x.Dims[1];
        var mask = BufferPool.RentZeroed(n * c); float scale = p == 1 ? 0 : 1 / (1 - p);
        for (int i = 0; i < mask.Length; i++) mask[i] = gen.NextDouble() >= p ? scale : 0f;
        var shape = new int[x.Rank]; Array.Fill(shape, 1); shape[0] = n; shape[1] = c;
        return Mul(x, Tensor.Wrap(mask, shape));
    }

    /// <summary>
    /// Alpha dropout (Klambauer et al. 2017) for SELU networks: dropped values are set to the SELU saturation −λα and an
    /// affine correction a·x + b keeps zero mean and unit variance.
    /// </summary>
    public static Tensor AlphaDropout(Tensor x, float p = 0.5f, bool training = true, Generator? gen = null)
    {
        CheckP(p, "AlphaDropout");
        if (!training || p == 0) return x;
        if (p == 1) return Mul(x, Tensor.Scalar(0f));
        gen ??= Generator.Default;
        const double alphaPrime = -1.7580993408473766; // −λα of SELU
        double q = 1 - p;
        double a = 1 / Math.Sqrt(q * (1 + p * alphaPrime * alphaPrime));
        double b = -a * alphaPrime * p;
        var keep = BufferPool.RentZeroed(x.Numel); var add = BufferPool.RentZeroed(x.Numel);
        for (int i = 0; i < keep.Length; i++)
        {
            bool k = gen.NextDouble() >= p;
            keep[i] = k ? (float)a : 0f;
            add[i] = (float)((k ? 0 : a * alphaPrime) + b);
        }
        return Add(Mul(x, Tensor.Wrap(keep, x.Shape)), Tensor.Wrap(add, x.Shape));
    }

    private static void CheckP(float p, string op)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"{op}: p must be in [0, 1], got {p}");
    }
}
