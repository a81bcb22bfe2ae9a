namespace Tessera.NN;

/// <summary>
/// Fixed sinusoidal position encoding added to the input (Vaswani et al. 2017, §3.5): for position pos and column j,
/// i = floor(j/2), PE[pos, j] = sin(pos / 10000^(2i/d)) for even j and cos(…) for odd j (odd d ends with a sine).
/// x [*, L, d_model] with L ≤ max_len → x + PE[0:L]. No parameters; the table is not a buffer.
/// </summary>
public sealed class SinusoidalPositionalEncoding : Module
{
    public int DModel { get; }
    public int MaxLen { get; }
    private readonly Tensor _table;

    public SinusoidalPositionalEncoding(int dModel, int maxLen)
    {
        if (dModel <= 0 || maxLen <= 0) throw new ArgumentOutOfRangeException(nameof(dModel), $"SinusoidalPositionalEncoding: d_model and max_len must be positive, got {dModel} and {maxLen}");
        DModel = dModel; MaxLen = maxLen;
        _table = Table(maxLen, dModel);
    }

    /// <summary>The [length, d] table, computed in float64 and rounded once.</summary>
    public static Tensor Table(int length, int d)
    {
        var t = new float[length * d];
        for (int pos = 0; pos < length; pos++)
            for (int j = 0; j < d; j++)
            {
                double angle = pos / Math.Pow(10000.0, 2 * (j / 2) / (double)d);
                t[pos * d + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        return Tensor.Wrap(t, length, d);
    }

    public override Tensor Forward(Tensor x)
    {
        CheckInput(x, DModel, MaxLen, Name);
        return F.Add(x, F.Narrow(_table, 0, 0, x.Dims[^2]));
    }

    internal static void CheckInput(Tensor x, int d, int maxLen, string name)
    {
        if (x.Rank < 2 || x.Dims[^1] != d)
            throw new ArgumentException($"{name}(d_model={d}, max_len={maxLen}): input must be [*, L, {d}], got {ShapeUtil.Format(x.Dims)}");
        if (x.Dims[^2] > maxLen)
            throw new ArgumentException($"{name}(d_model={d}, max_len={maxLen}): sequence length {x.Dims[^2]} exceeds max_len (shape {ShapeUtil.Format(x.Dims)})");
    }

    public override string ExtraRepr() => $"d_model={DModel}, max_len={MaxLen}";
}

/// <summary>
/// Learned absolute position embedding added to the input: x [*, L, d_model] → x + weight[0:L]; weight [max_len,
/// d_model], N(0, 1) initialised. Rows ≥ L get zero gradient.
/// </summary>
public sealed class LearnedPositionalEmbedding : Module
{
    public int DModel { get; }
    public int MaxLen { get; }
    public Parameter Weight { get; }

    public LearnedPositionalEmbedding(int dModel, int maxLen)
    {
        if (dModel <= 0 || maxLen <= 0) throw new ArgumentOutOfRangeException(nameof(dModel), $"LearnedPositionalEmbedding: d_model and max_len must be positive, got {dModel} and {maxLen}");
        DModel = dModel; MaxLen = maxLen;
        Weight = RegisterParameter("weight", Init.Normal(Tensor.Empty(maxLen, dModel)));
    }

    public override Tensor Forward(Tensor x)
    {
        SinusoidalPositionalEncoding.CheckInput(x, DModel, MaxLen, Name);
        return F.Add(x, F.Narrow(Weight, 0, 0, x.Dims[^2]));
    }

    public override string ExtraRepr() => $"d_model={DModel}, max_len={MaxLen}";
}
