using Tessera.Autograd;

namespace Tessera;

/// <summary>
/// Differentiable ops. Each op computes its forward with a kernel and records, next to it, the rule that
/// maps its output gradient to its inputs' gradients. This is the only layer that creates autograd nodes.
/// </summary>
public static partial class F
{
    internal static Tensor NewFloat(int[] shape) => new((int[])shape.Clone(), BufferPool.RentZeroed(ShapeUtil.Numel(shape)));

    /// <summary>A float tensor whose values are left unset, for outputs that are fully written (skips zeroing large arrays).</summary>
    internal static Tensor NewUninit(int[] shape) => new((int[])shape.Clone(), BufferPool.Rent(ShapeUtil.Numel(shape)));

    internal static Tensor Record(string name, Tensor output, Func<Tensor, Tensor?[]> rule, params Tensor[] inputs)
        => Engine.Record(name, output, rule, inputs);

    internal static void RequireFloat(Tensor t, string op, string arg = "input")
    {
        if (t.DType != DType.Float32)
            throw new ArgumentException($"{op}: {arg} must be float32, got {DTypes.Name(t.DType)} of shape {ShapeUtil.Format(t.Dims)}");
    }

    internal static void RequireRank(Tensor t, int min, int max, string op, string arg = "input")
    {
        if (t.Rank < min || t.Rank > max)
            throw new ArgumentException($"{op}: {arg} must have {(min == max ? min.ToString() : $"{min} to {max}")} dims, got shape {ShapeUtil.Format(t.Dims)}");
    }
}
