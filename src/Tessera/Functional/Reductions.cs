using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>Sum of all elements (a 0-d tensor), accumulated in float64.</summary>
    public static Tensor Sum(Tensor x)
    {
        RequireFloat(x, "sum");
        return Record("sum", Tensor.Scalar((float)Kernels.Reduce.SumAll(x.F32!)), g => [ExpandValues(g, x.Dims)], x);
    }

    /// <summary>Mean of all elements (a 0-d tensor).</summary>
    public static Tensor Mean(Tensor x) => Mul(Sum(x), 1f / Math.Max(1, x.Numel));

    /// <summary>Sum over <paramref name="dims"/> (negative counts from the end), keeping them as size 1 when <paramref name="keepdim"/>.</summary>
    public static Tensor Sum(Tensor x, int[] dims, bool keepdim = false)
    {
        RequireFloat(x, "sum");
        var (kept, outShape) = ReducedShapes(x, dims, keepdim, "sum");
        var cur = x.F32!; var curShape = x.Shape;
        foreach (var d in SortedDims(x, dims, "sum"))
        {
            int outer = 1, inner = 1, n = curShape[d];
            for (int i = 0; i < d; i++) outer *= curShape[i];
            for (int i = d + 1; i < curShape.Length; i++) inner *= curShape[i];
            var o = BufferPool.RentZeroed(outer * inner);
            Reduce.Sum(cur, o, outer, n, inner);
            cur = o; curShape[d] = 1;
        }
        return Record("sum", new Tensor(outShape, cur), g => [ExpandValues(g.WithShape(kept, false), x.Dims)], x);
    }

    /// <summary>Sum over one dim.</summary>
    public static Tensor Sum(Tensor x, int dim, bool keepdim = false) => Sum(x, [dim], keepdim);

    /// <summary>Mean over <paramref name="dims"/>.</summary>
    public static Tensor Mean(Tensor x, int[] dims, bool keepdim = false)
    {
        int count = 1;
        foreach (var d in SortedDims(x, dims, "mean")) count *= x.Dims[d];
        return Mul(Sum(x, dims, keepdim), 1f / Math.Max(1, count));
    }

    /// <summary>Mean over one dim.</summary>
    public static Tensor Mean(Tensor x, int dim, bool keepdim = false) => Mean(x, [dim], keepdim);

    /// <summary>Variance over <paramref name="dims"/> (unbiased divides by n − 1, as torch.var's default).</summary>
    public static Tensor Var(Tensor x, int[] dims, bool unbiased = true, bool keepdim = false)
    {
        int count = 1;
        foreach (var d in SortedDims(x, dims, "var")) count *= x.Dims[d];
        var centered = Sub(x, Mean(x, dims, keepdim: true));
        return Mul(Sum(Square(centered), dims, keepdim), 1f / Math.Max(1, unbiased ? count - 1 : count));
    }

    /// <summary>Maximum over one dim: values (differentiable; the gradient goes to the first maximal element) and int64 indices.</summary>
    public static (Tensor Values, Tensor Indices) Max(Tensor x, int dim, bool keepdim = false) => ArgExtreme(x, dim, keepdim, true, "max");

    /// <summary>Minimum over one dim: values and int64 indices.</summary>
    public static (Tensor Values, Tensor Indices) Min(Tensor x, int dim, bool keepdim = false) => ArgExtreme(x, dim, keepdim, false, "min");

    /// <summary>Index of the maximum over one dim (int64).</summary>
    public static Tensor ArgMax(Tensor x, int dim, bool keepdim = false) => ArgExtreme(x, dim, keepdim, true, "argmax").Indices;

    /// <summary>Maximum of all elements (0-d).</summary>
    public static Tensor Max(Tensor x) => Max(Reshape(x, -1), 0).Values;

    private static (Tensor Values, Tensor Indices) ArgExtreme(Tensor x, int dim, bool keepdim, bool max, string name)
    {
        RequireFloat(x, name);
        int d = ShapeUtil.Dim(dim, Math.Max(1, x.Rank), name);
        var shape = x.Rank == 0 ? [1] : x.Shape;
        if (shape[d] == 0) throw new ArgumentException($"{name}: cannot reduce over an empty dim {dim} of shape {ShapeUtil.Format(x.Dims)}");
        int outer = 1, inner = 1, n = shape[d];
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.Length; i++) inner *= shape[i];
        var vals = BufferPool.RentZeroed(outer * inner); var idx = new long[outer * inner];
        Reduce.ArgExtreme(x.F32!, vals, idx, outer, n, inner, max);
        var kept = (int[])shape.Clone(); kept[d] = 1;
        int[] outShape = keepdim ? kept : shape.Where((_, i) => i != d).ToArray();
        if (x.Rank == 0) outShape = [];
        var values = Record(name, new Tensor(outShape, vals), g =>
        {
            var gx = BufferPool.RentZeroed(x.Numel); var gv = g.F32!;
            for (int i = 0; i < outer; i++)
                for (int k = 0; k < inner; k++)
                    gx[(i * n + (int)idx[i * inner + k]) * inner + k] += gv[i * inner + k];
            return [new Tensor(x.Shape, gx)];
        }, x);
        return (values, new Tensor((int[])outShape.Clone(), idx));
    }

    private static int[] SortedDims(Tensor x, int[] dims, string op)
    {
        var ds = dims.Select(d => ShapeUtil.Dim(d, x.Rank, op)).Distinct().OrderByDescending(d => d).ToArray();
        if (ds.Length != dims.Length) throw new ArgumentException($"{op}: dim list [{string.Join(", ", dims)}] repeats a dim");
        return ds;
    }

    private static (int[] Kept, int[] Out) ReducedShapes(Tensor x, int[] dims, bool keepdim, string op)
    {
        var set = SortedDims(x, dims, op);
        var kept = x.Shape;
        foreach (var d in set) kept[d] = 1;
        var outShape = keepdim ? (int[])kept.Clone() : x.Dims.Where((_, i) => !set.Contains(i)).ToArray();
        return (kept, outShape);
    }
}
