namespace Tessera;

/// <summary>A per-dim size of a 2-d op (height, width): write <c>3</c> for (3, 3) or <c>(3, 5)</c>.</summary>
public readonly record struct Size2(int H, int W)
{
    public static implicit operator Size2(int v) => new(v, v);
    public static implicit operator Size2((int H, int W) v) => new(v.H, v.W);

    /// <summary>[H, W], the order of the spatial dims.</summary>
    public int[] ToArray() => [H, W];

    public override string ToString() => $"[{H}, {W}]";
}

/// <summary>A per-dim size of a 3-d op (depth, height, width): write <c>3</c> for (3, 3, 3) or <c>(1, 3, 3)</c>.</summary>
public readonly record struct Size3(int D, int H, int W)
{
    public static implicit operator Size3(int v) => new(v, v, v);
    public static implicit operator Size3((int D, int H, int W) v) => new(v.D, v.H, v.W);

    /// <summary>[D, H, W], the order of the spatial dims.</summary>
    public int[] ToArray() => [D, H, W];

    public override string ToString() => $"[{D}, {H}, {W}]";
}

/// <summary>
/// The padding of a convolution: a number per spatial dim (<c>1</c>, <c>(1, 2)</c>, <c>(0, 1, 1)</c>), or
/// <c>"valid"</c> (no padding) or <c>"same"</c> (stride 1; the output keeps the input's size, the odd pad
/// at the end). The default is no padding.
/// </summary>
public readonly struct ConvPadding
{
    private readonly int[]? _sizes;

    /// <summary>"same", "valid", or null when explicit sizes are given.</summary>
    public string? Mode { get; }

    private ConvPadding(int[]? sizes, string? mode) { _sizes = sizes; Mode = mode; }

    public static ConvPadding Same => new(null, "same");
    public static ConvPadding Valid => new(null, "valid");

    /// <summary>Explicit per-dim padding (one entry repeats over every dim).</summary>
    public static ConvPadding Of(params int[] sizes) => new((int[])sizes.Clone(), null);

    public static implicit operator ConvPadding(int v) => new([v], null);
    public static implicit operator ConvPadding((int H, int W) v) => new([v.H, v.W], null);
    public static implicit operator ConvPadding((int D, int H, int W) v) => new([v.D, v.H, v.W], null);
    public static implicit operator ConvPadding(Size2 v) => new(v.ToArray(), null);
    public static implicit operator ConvPadding(Size3 v) => new(v.ToArray(), null);
    public static implicit operator ConvPadding(int[] v) => new((int[])v.Clone(), null);
    public static implicit operator ConvPadding(string mode) => mode switch
    {
        "same" => Same,
        "valid" => Valid,
        _ => throw new ArgumentException($"padding must be \"same\", \"valid\" or sizes, got \"{mode}\""),
    };

    /// <summary>
    /// The padding before and after each of <paramref name="dims"/> spatial dims. "same" pads d·(k−1) in total,
    /// half (rounded down) before and the rest after, so an even kernel puts the extra padding at the end (PyTorch).
    /// </summary>
    public (int[] Before, int[] After) Resolve(int dims, int[] kernel, int[] dilation, int[] stride, string layer)
    {
        var before = new int[dims]; var after = new int[dims];
        if (Mode == "valid") return (before, after);
        if (Mode == "same")
        {
            if (stride.Any(s => s != 1)) throw new ArgumentException($"{layer}(padding=\"same\"): stride must be 1, got {ShapeUtil.Format(stride)}");
            for (int i = 0; i < dims; i++)
            {
                int total = dilation[i] * (kernel[i] - 1);
                before[i] = total / 2; after[i] = total - total / 2;
            }
            return (before, after);
        }
        var s = _sizes ?? [0];
        if (s.Length != 1 && s.Length != dims) throw new ArgumentException($"{layer}: padding needs 1 or {dims} entries, got {ShapeUtil.Format(s)}");
        for (int i = 0; i < dims; i++)
        {
            before[i] = after[i] = s.Length == 1 ? s[0] : s[i];
            if (before[i] < 0) throw new ArgumentException($"{layer}: padding must be non-negative, got {ShapeUtil.Format(s)}");
        }
        return (before, after);
    }

    public override string ToString() => Mode != null ? $"\"{Mode}\"" : ShapeUtil.Format(_sizes ?? [0]);
}

/// <summary>How padded positions are filled: a constant (zeros for convolutions), the mirror image without the edge, the edge repeated, or the opposite side.</summary>
public enum PadMode { Constant, Reflect, Replicate, Circular }

/// <summary>Parsing of PyTorch's padding-mode names.</summary>
public static class PadModes
{
    /// <summary>"zeros"/"constant", "reflect", "replicate" or "circular".</summary>
    public static PadMode Parse(string name) => name switch
    {
        "zeros" or "constant" => PadMode.Constant,
        "reflect" => PadMode.Reflect,
        "replicate" => PadMode.Replicate,
        "circular" => PadMode.Circular,
        _ => throw new ArgumentException($"padding mode must be \"zeros\", \"reflect\", \"replicate\" or \"circular\", got \"{name}\""),
    };

    /// <summary>PyTorch's name for the mode of a convolution's padding_mode.</summary>
    public static string ConvName(PadMode mode) => mode switch
    {
        PadMode.Constant => "zeros",
        PadMode.Reflect => "reflect",
        PadMode.Replicate => "replicate",
        _ => "circular",
    };
}
