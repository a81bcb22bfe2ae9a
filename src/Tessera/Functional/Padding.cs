using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// torch.nn.functional.pad: pads the last pad.Length/2 dims; <paramref name="pad"/> lists (before, after) pairs
    /// starting from the last dim — [left, right, top, bottom, front, back]. Constant padding may be negative (it crops).
    /// </summary>
    public static Tensor Pad(Tensor x, int[] pad, PadMode mode = PadMode.Constant, float value = 0f) => Pad(x, pad, mode, value, "pad");

    internal static Tensor Pad(Tensor x, int[] pad, PadMode mode, float value, string op)
    {
        RequireFloat(x, op);
        if (pad.Length % 2 != 0 || pad.Length / 2 > x.Rank)
            throw new ArgumentException($"{op}: padding {ShapeUtil.Format(pad)} must hold (before, after) pairs for at most {x.Rank} dims (input shape {ShapeUtil.Format(x.Dims)})");
        int k = pad.Length / 2, lead = x.Rank - k;
        var maps = new int[k][]; var lengths = new int[k];
        var outShape = x.Shape;
        for (int d = 0; d < k; d++)
        {
            int dim = lead + d, before = pad[2 * (k - 1 - d)], after = pad[2 * (k - 1 - d) + 1], len = x.Dims[dim];
            if (mode != PadMode.Constant)
            {
                if (before < 0 || after < 0) throw new ArgumentException($"{op}: {mode} padding must be non-negative, got {ShapeUtil.Format(pad)}");
                if (len == 0 && before + after > 0) throw new ArgumentException($"{op}: cannot {mode}-pad an empty dim (input shape {ShapeUtil.Format(x.Dims)})");
                if (mode == PadMode.Reflect && (before >= len || after >= len))
                    throw new ArgumentException($"{op}: reflection padding {ShapeUtil.Format(pad)} must be smaller than the padded dim (size {len} of input shape {ShapeUtil.Format(x.Dims)})");
                if (mode == PadMode.Circular && (before > len || after > len))
                    throw new ArgumentException($"{op}: circular padding {ShapeUtil.Format(pad)} must not exceed the padded dim (size {len} of input shape {ShapeUtil.Format(x.Dims)})");
            }
            outShape[dim] = len + before + after;
            if (outShape[dim] < 0) throw new ArgumentException($"{op}: padding {ShapeUtil.Format(pad)} crops dim {dim} of input shape {ShapeUtil.Format(x.Dims)} below size 0");
            maps[d] = Kernels.Pad.DimMap(len, before, after, mode);
            lengths[d] = len;
        }
        var map = Kernels.Pad.BlockMap(maps, lengths);
        int inBlock = ShapeUtil.Numel(x.Dims[lead..]), outer = ShapeUtil.Numel(x.Dims[..lead]);
        var y = NewFloat(outShape);
        Kernels.Pad.Gather(x.F32!, y.F32!, outer, inBlock, map, value);
        return Record(op, y, g =>
        {
            var dx = BufferPool.RentZeroed(x.Numel);
            Kernels.Pad.Scatter(g.F32!, dx, outer, inBlock, map);
            return [new Tensor(x.Shape, dx)];
        }, x);
    }
}
