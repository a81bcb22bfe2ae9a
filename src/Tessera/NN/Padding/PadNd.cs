namespace Tessera.NN;

/// <summary>
/// The shared body of the padding layers: pads the last dims by <see cref="Padding"/> = [left, right, top, bottom,
/// front, back] (the last dim first, as torch.nn.functional.pad) with a constant, the mirror image (edge not
/// repeated), the edge value, or the opposite side. Gradients of repeated copies accumulate into their sources.
/// </summary>
public abstract class PadNd : Module
{
    public int[] Padding { get; }
    public PadMode Mode { get; }
    public float Value { get; }
    private readonly int _dims;

    protected PadNd(int dims, int[] padding, PadMode mode, float value = 0f)
    {
        if (padding.Length == 1) padding = Enumerable.Repeat(padding[0], 2 * dims).ToArray();
        if (padding.Length != 2 * dims) throw new ArgumentException($"{Name}: padding needs 1 or {2 * dims} entries, got {ShapeUtil.Format(padding)}");
        if (mode != PadMode.Constant && padding.Any(p => p < 0)) throw new ArgumentException($"{Name}: padding must be non-negative, got {ShapeUtil.Format(padding)}");
        (_dims, Padding, Mode, Value) = (dims, padding, mode, value);
    }

    /// <summary>x [N, C, *spatial] or [C, *spatial] → each padded dim grows by its before + after.</summary>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != _dims + 1 && x.Rank != _dims + 2)
            throw new ArgumentException($"{Name}: input must be [N, C, {F.SpatialNames(_dims)}] or [C, {F.SpatialNames(_dims)}], got shape {ShapeUtil.Format(x.Dims)}");
        return F.Pad(x, Padding, Mode, Value, Name);
    }

    public override string ExtraRepr() => $"padding={ShapeUtil.Format(Padding)}" + (Mode == PadMode.Constant && Value != 0 ? $", value={Value}" : "");
}
