using System.Numerics.Tensors;
using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    private enum BinaryOp { Add, Sub, Mul, Div, Max, Min }

    /// <summary>a + b, broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
        => Record("add", Binary(a, b, BinaryOp.Add, "add"), g => [g, g], a, b);

    /// <summary>a − b, broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
        => Record("sub", Binary(a, b, BinaryOp.Sub, "sub"), g => [g, b.RequiresGrad ? Neg(g) : null], a, b);

    /// <summary>a · b element-wise, broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
        => Record("mul", Binary(a, b, BinaryOp.Mul, "mul"), g => [a.RequiresGrad ? Mul(g, b) : null, b.RequiresGrad ? Mul(g, a) : null], a, b);

    /// <summary>a / b element-wise, broadcasting.</summary>
    public static Tensor Div(Tensor a, Tensor b)
        => Record("div", Binary(a, b, BinaryOp.Div, "div"),
            g => [a.RequiresGrad ? Div(g, b) : null, b.RequiresGrad ? Neg(Div(Mul(g, a), Mul(b, b))) : null], a, b);

    /// <summary>Element-wise maximum, broadcasting; the gradient goes to the larger operand (split evenly on ties, as PyTorch).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Extremum(a, b, BinaryOp.Max, "maximum");

    /// <summary>Element-wise minimum, broadcasting.</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Extremum(a, b, BinaryOp.Min, "minimum");

    private static Tensor Extremum(Tensor a, Tensor b, BinaryOp op, string name)
    {
        var y = Binary(a, b, op, name);
        return Record(name, y, g =>
        {
            var wa = Binary(Binary(a, y, BinaryOp.Sub, name).Map(v => v == 0 ? 1f : 0f), Binary(b, y, BinaryOp.Sub, name).Map(v => v == 0 ? 0.5f : 1f), BinaryOp.Mul, name);
            // wa: 1 where only a is the extreme, 0.5 on ties, 0 where b wins.
            return [a.RequiresGrad ? Mul(g, wa) : null, b.RequiresGrad ? Mul(g, Sub(1f, wa)) : null];
        }, a, b);
    }

    /// <summary>−x.</summary>
    public static Tensor Neg(Tensor x) => Unary(x, "neg", (s, d) => TensorPrimitives.Negate(s, d), (x, y, g) => Neg(g));

    private static Tensor Binary(Tensor a, Tensor b, BinaryOp op, string name)
    {
        RequireFloat(a, name, "first operand"); RequireFloat(b, name, "second operand");
        float[] av = a.F32!, bv = b.F32!;
        if (ShapeUtil.SameShape(a.Dims, b.Dims))
        {
            var o = BufferPool.Rent(av.Length);
            Apply(op, av, bv, o);
            return new Tensor(a.Shape, o);
        }
        var shape = ShapeUtil.Broadcast(a.Dims, b.Dims, name);
        var res = BufferPool.Rent(ShapeUtil.Numel(shape));
        Broadcast.Rows(shape, ShapeUtil.BroadcastStrides(a.Dims, shape), ShapeUtil.BroadcastStrides(b.Dims, shape),
            (ao, astep, bo, bstep, oo, len) =>
            {
                var dst = res.AsSpan(oo, len);
                if (astep == 1 && bstep == 1) Apply(op, av.AsSpan(ao, len), bv.AsSpan(bo, len), dst);
                else if (astep == 1) ApplyScalarRight(op, av.AsSpan(ao, len), bv[bo], dst);
                else if (bstep == 1) ApplyScalarLeft(op, av[ao], bv.AsSpan(bo, len), dst);
                else dst.Fill(Scalar(op, av[ao], bv[bo]));
            });
        return new Tensor(shape, res);
    }

    private static void Apply(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, o); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, o); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, o); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, o); break;
            case BinaryOp.Max: for (int i = 0; i < o.Length; i++) o[i] = MaxNaN(a[i], b[i]); break;
            default: for (int i = 0; i < o.Length; i++) o[i] = MinNaN(a[i], b[i]); break;
        }
    }

    private static void ApplyScalarRight(BinaryOp op, ReadOnlySpan<float> a, float b, Span<float> o)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, o); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, o); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, o); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, o); break;
            default: for (int i = 0; i < o.Length; i++) o[i] = Scalar(op, a[i], b); break;
        }
    }

    private static void ApplyScalarLeft(BinaryOp op, float a, ReadOnlySpan<float> b, Span<float> o)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(b, a, o); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, o); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(b, a, o); break;
            case BinaryOp.Div: TensorPrimitives.Divide(a, b, o); break;
            default: for (int i = 0; i < o.Length; i++) o[i] = Scalar(op, a, b[i]); break;
        }
    }

    private static float Scalar(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Max => MaxNaN(a, b),
        _ => MinNaN(a, b),
    };

    private static float MaxNaN(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : Math.Max(a, b);
    private static float MinNaN(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : Math.Min(a, b);

    /// <summary>
    /// A one-input element-wise op: <paramref name="forward"/> fills the output from the input;
    /// <paramref name="backward"/>(x, y, g) gives the input gradient.
    /// </summary>
    internal static Tensor Unary(Tensor x, string name, SpanAction forward, Func<Tensor, Tensor, Tensor, Tensor> backward)
    {
        RequireFloat(x, name);
        var y = NewUninit(x.Dims);
        forward(x.F32!, y.F32!);
        return Record(name, y, g => [backward(x, y, g)], x);
    }

    public delegate void SpanAction(ReadOnlySpan<float> src, Span<float> dst);

    /// <summary>A new float tensor of the same shape with <paramref name="f"/> applied to every value (no graph).</summary>
    internal static Tensor Map(this Tensor x, Func<float, float> f)
    {
        var src = x.FloatArray; var o = BufferPool.Rent(src.Length);
        for (int i = 0; i < o.Length; i++) o[i] = f(src[i]);
        return new Tensor(x.Shape, o);
    }

    /// <summary>A new float tensor from two same-shape tensors, value by value (no graph).</summary>
    internal static Tensor Zip(Tensor a, Tensor b, Func<float, float, float> f)
    {
        float[] av = a.FloatArray, bv = b.FloatArray; var o = BufferPool.Rent(av.Length);
        for (int i = 0; i < o.Length; i++) o[i] = f(av[i], bv[i]);
        return new Tensor(a.Shape, o);
    }

    /// <summary>A new float tensor from three same-shape tensors, value by value (no graph).</summary>
    internal static Tensor Zip(Tensor a, Tensor b, Tensor c, Func<float, float, float, float> f)
    {
        float[] av = a.FloatArray, bv = b.FloatArray, cv = c.FloatArray; var o = BufferPool.Rent(av.Length);
        for (int i = 0; i < o.Length; i++) o[i] = f(av[i], bv[i], cv[i]);
        return new Tensor(a.Shape, o);
    }

    /// <summary>eˣ.</summary>
    public static Tensor Exp(Tensor x) => Unary(x, "exp", (s, d) => TensorPrimitives.Exp(s, d), (x, y, g) => Mul(g, y));

    /// <summary>Natural logarithm.</summary>
    public static Tensor Log(Tensor x) => Unary(x, "log", (s, d) => TensorPrimitives.Log(s, d), (x, y, g) => Div(g, x));

    /// <summary>Square root.</summary>
    public static Tensor Sqrt(Tensor x) => Unary(x, "sqrt", (s, d) => TensorPrimitives.Sqrt(s, d), (x, y, g) => Div(g, Mul(y, 2f)));

    /// <summary>x².</summary>
    public static Tensor Square(Tensor x) => Unary(x, "square", (s, d) => TensorPrimitives.Multiply(s, s, d), (x, y, g) =>
    {
        // 2·x·g in one pass and one allocation (the loss mean(y²) of many workloads runs through here).
        var gx = NewUninit(x.Dims);
        TensorPrimitives.Multiply(x.F32!, g.F32!, gx.F32!);
        TensorPrimitives.Multiply(gx.F32!, 2f, gx.F32!);
        return gx;
    });

    /// <summary>|x|; gradient sign(x) (0 at 0).</summary>
    public static Tensor Abs(Tensor x) => Unary(x, "abs", (s, d) => TensorPrimitives.Abs(s, d), (x, y, g) => Mul(g, x.Map(v => (float)MathF.Sign(v))));

    /// <summary>xᵖ for a constant exponent.</summary>
    public static Tensor Pow(Tensor x, float p) => Unary(x, "pow",
        (s, d) => TensorPrimitives.Pow(s, p, d),
        (x, y, g) => Mul(g, x.Map(v => p * MathF.Pow(v, p - 1))));

    /// <summary>Clamps to [min, max]; gradient 0 outside.</summary>
    public static Tensor Clamp(Tensor x, float min = float.NegativeInfinity, float max = float.PositiveInfinity) => Unary(x, "clamp",
        (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = s[i] < min ? min : s[i] > max ? max : s[i]; },
        (x, y, g) => Mul(g, x.Map(v => v >= min && v <= max ? 1f : 0f)));

    /// <summary>Values where <paramref name="condition"/> is true from <paramref name="a"/>, else from <paramref name="b"/>; all three broadcast.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        if (condition.DType != DType.Bool) throw new ArgumentException($"where: condition must be bool, got {DTypes.Name(condition.DType)}");
        var shape = ShapeUtil.Broadcast(ShapeUtil.Broadcast(condition.Dims, a.Dims, "where"), b.Dims, "where");
        var c = ExpandValues(condition.To(DType.Float32), shape);
        var mask = c.F32!;
        var av = ExpandValues(a, shape).F32!; var bv = ExpandValues(b, shape).F32!;
        var o = BufferPool.RentZeroed(mask.Length);
        for (int i = 0; i < o.Length; i++) o[i] = mask[i] != 0 ? av[i] : bv[i];
        return Record("where", new Tensor(shape, o), g =>
        [
            a.RequiresGrad ? Mul(g, c) : null,
            b.RequiresGrad ? Mul(g, c.Map(v => v != 0 ? 0f : 1f)) : null,
        ], a, b);
    }

    /// <summary>Replaces values where <paramref name="mask"/> (broadcast to x) is true with <paramref name="value"/>; no gradient there.</summary>
    public static Tensor MaskedFill(Tensor x, Tensor mask, float value)
    {
        RequireFloat(x, "masked_fill");
        if (mask.DType != DType.Bool) throw new ArgumentException($"masked_fill: mask must be bool, got {DTypes.Name(mask.DType)}");
        var m = ExpandValues(mask.To(DType.Float32), x.Dims);
        if (!ShapeUtil.SameShape(m.Dims, x.Dims)) throw new ArgumentException($"masked_fill: mask of shape {ShapeUtil.Format(mask.Dims)} does not broadcast to input shape {ShapeUtil.Format(x.Dims)}");
        var keep = m.Map(v => v != 0 ? 0f : 1f);
        var o = Zip(x, m, (v, mv) => mv != 0 ? value : v);
        return Record("masked_fill", o, g => [Mul(g, keep)], x);
    }

    /// <summary>Copies the values of <paramref name="x"/> broadcast to <paramref name="shape"/> (no graph).</summary>
    internal static Tensor ExpandValues(Tensor x, int[] shape)
    {
        if (ShapeUtil.SameShape(x.Dims, shape)) return x;
        var target = ShapeUtil.Broadcast(x.Dims, shape, "expand");
        if (!ShapeUtil.SameShape(target, shape)) throw new ArgumentException($"expand: shape {ShapeUtil.Format(x.Dims)} does not broadcast to {ShapeUtil.Format(shape)}");
        var src = x.FloatArray; var o = BufferPool.Rent(ShapeUtil.Numel(shape));
        var zero = new int[shape.Length];
        Broadcast.Rows(shape, ShapeUtil.BroadcastStrides(x.Dims, shape), zero, (ao, astep, _, _, oo, len) =>
        {
            if (astep == 1) src.AsSpan(ao, len).CopyTo(o.AsSpan(oo, len)); else o.AsSpan(oo, len).Fill(src[ao]);
        });
        return new Tensor((int[])shape.Clone(), o);
    }

    /// <summary>Broadcasts x to <paramref name="shape"/> (a copy); the gradient is summed back by the engine.</summary>
    public static Tensor Expand(Tensor x, params int[] shape)
    {
        RequireFloat(x, "expand");
        return Record("expand", ExpandValues(x, shape), g => [g], x);
    }

    // ---- comparisons (bool results, no gradient) ----
    public static Tensor Gt(Tensor a, Tensor b) => Compare(a, b, (x, y) => x > y, "gt");
    public static Tensor Ge(Tensor a, Tensor b) => Compare(a, b, (x, y) => x >= y, "ge");
    public static Tensor Lt(Tensor a, Tensor b) => Compare(a, b, (x, y) => x < y, "lt");
    public static Tensor Le(Tensor a, Tensor b) => Compare(a, b, (x, y) => x <= y, "le");
    public static Tensor Eq(Tensor a, Tensor b) => Compare(a, b, (x, y) => x == y, "eq");

    private static Tensor Compare(Tensor a, Tensor b, Func<double, double, bool> f, string name)
    {
        if (a.DType == DType.Int64 && b.DType == DType.Int64)
        {
            var sh = ShapeUtil.Broadcast(a.Dims, b.Dims, name);
            var av = ExpandLongs(a, sh); var bv = ExpandLongs(b, sh);
            var r = new bool[av.Length];
            for (int i = 0; i < r.Length; i++) r[i] = f(av[i], bv[i]);
            return new Tensor(sh, r);
        }
        var fa = a.To(DType.Float32); var fb = b.To(DType.Float32);
        var shape = ShapeUtil.Broadcast(fa.Dims, fb.Dims, name);
        var x = ExpandValues(fa, shape).F32!; var y = ExpandValues(fb, shape).F32!;
        var o = new bool[x.Length];
        for (int i = 0; i < o.Length; i++) o[i] = f(x[i], y[i]);
        return new Tensor(shape, o);
    }

    private static long[] ExpandLongs(Tensor x, int[] shape)
    {
        var src = x.LongArray; var o = new long[ShapeUtil.Numel(shape)];
        var st = ShapeUtil.BroadcastStrides(x.Dims, shape);
        Broadcast.Rows(shape, st, new int[shape.Length], (ao, astep, _, _, oo, len) =>
        {
            for (int i = 0; i < len; i++) o[oo + i] = src[ao + i * astep];
        });
        return o;
    }
}
