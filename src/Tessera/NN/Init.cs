namespace Tessera.NN;

/// <summary>
/// Weight initialisers with PyTorch's formulas (torch.nn.init), filling tensors in place from a <see cref="Generator"/>.
/// fan_in = size(1)·receptive field, fan_out = size(0)·receptive field.
/// </summary>
public static class Init
{
    public static (int FanIn, int FanOut) Fans(Tensor t)
    {
        if (t.Rank < 2) throw new ArgumentException($"fan in/out need a tensor of at least 2 dims, got shape {ShapeUtil.Format(t.Dims)}");
        int receptive = 1; for (int i = 2; i < t.Rank; i++) receptive *= t.Dims[i];
        return (t.Dims[1] * receptive, t.Dims[0] * receptive);
    }

    /// <summary>Gain for a nonlinearity: relu √2, tanh 5/3, leaky_relu √(2/(1+a²)), selu 3/4, linear/sigmoid 1.</summary>
    public static double Gain(string nonlinearity, double param = 0.01) => nonlinearity switch
    {
        "linear" or "conv1d" or "conv2d" or "conv3d" or "sigmoid" => 1,
        "tanh" => 5.0 / 3,
        "relu" => Math.Sqrt(2),
        "leaky_relu" => Math.Sqrt(2.0 / (1 + param * param)),
        "selu" => 0.75,
        _ => throw new ArgumentException($"Init.Gain: unknown nonlinearity '{nonlinearity}'"),
    };

    public static Tensor Uniform(Tensor t, double low, double high, Generator? g = null)
    {
        g ??= Generator.Default; var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (float)(low + (high - low) * g.NextDouble());
        return t;
    }

    public static Tensor Normal(Tensor t, double mean = 0, double std = 1, Generator? g = null)
    {
        g ??= Generator.Default; var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (float)(mean + std * g.NextNormal());
        return t;
    }

    public static Tensor Constant(Tensor t, float value) { t.Data.Fill(value); return t; }
    public static Tensor Zeros(Tensor t) => Constant(t, 0f);
    public static Tensor Ones(Tensor t) => Constant(t, 1f);

    /// <summary>U(−b, b) with b = gain·√(3/fan), gain from <paramref name="nonlinearity"/> and slope <paramref name="a"/> (He et al. 2015). PyTorch's Linear/Conv default is a = √5.</summary>
    public static Tensor KaimingUniform(Tensor t, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? g = null)
    {
        double bound = Gain(nonlinearity, a) * Math.Sqrt(3.0 / Fan(t, mode));
        return Uniform(t, -bound, bound, g);
    }

    /// <summary>N(0, std²) with std = gain/√fan (He et al. 2015).</summary>
    public static Tensor KaimingNormal(Tensor t, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? g = null)
        => Normal(t, 0, Gain(nonlinearity, a) / Math.Sqrt(Fan(t, mode)), g);

    /// <summary>U(−b, b) with b = gain·√(6/(fan_in+fan_out)) (Glorot &amp; Bengio 2010).</summary>
    public static Tensor XavierUniform(Tensor t, double gain = 1, Generator? g = null)
    {
        var (fi, fo) = Fans(t);
        double b = gain * Math.Sqrt(6.0 / (fi + fo));
        return Uniform(t, -b, b, g);
    }

    /// <summary>N(0, std²) with std = gain·√(2/(fan_in+fan_out)).</summary>
    public static Tensor XavierNormal(Tensor t, double gain = 1, Generator? g = null)
    {
        var (fi, fo) = Fans(t);
        return Normal(t, 0, gain * Math.Sqrt(2.0 / (fi + fo)), g);
    }

    /// <summary>A (semi-)orthogonal matrix from the QR decomposition of a Gaussian matrix, signs fixed by diag(R) (Saxe et al. 2013); tensors of rank &gt; 2 are flattened after dim 0.</summary>
    public static Tensor Orthogonal(Tensor t, double gain = 1, Generator? g = null)
    {
        if (t.Rank < 2) throw new ArgumentException($"Orthogonal init needs at least 2 dims, got {ShapeUtil.Format(t.Dims)}");
        g ??= Generator.Default;
        int rows = t.Dims[0], cols = t.Numel / Math.Max(1, rows);
        bool transpose = rows < cols;
        int r = transpose ? cols : rows, c = transpose ? rows : cols; // r >= c: orthonormal columns
        var q = new double[r, c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) q[i, j] = g.NextNormal();
        // Modified Gram–Schmidt on the columns; the column norms are diag(R), and dividing by them makes diag(R) > 0.
        for (int j = 0; j < c; j++)
        {
            for (int k = 0; k < j; k++)
            {
                double dot = 0; for (int i = 0; i < r; i++) dot += q[i, k] * q[i, j];
                for (int i = 0; i < r; i++) q[i, j] -= dot * q[i, k];
            }
            double norm = 0; for (int i = 0; i < r; i++) norm += q[i, j] * q[i, j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < r; i++) q[i, j] /= norm;
        }
        var d = t.Data;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                d[i * cols + j] = (float)(gain * (transpose ? q[j, i] : q[i, j]));
        return t;
    }

    private static int Fan(Tensor t, string mode)
    {
        var (fi, fo) = Fans(t);
        return mode switch
        {
            "fan_in" => fi,
            "fan_out" => fo,
            _ => throw new ArgumentException($"Init: mode must be \"fan_in\" or \"fan_out\", got \"{mode}\""),
        };
    }
}
