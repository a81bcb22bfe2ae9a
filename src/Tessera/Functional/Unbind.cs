namespace Tessera;

public static partial class F
{
    /// <summary>
    /// The slices of x along <paramref name="dim"/>, each without that dim (torch.unbind): a sequence [T, N, F] → T steps [N, F].
    /// Backward costs O(x) in all, not O(T·x) as T separate narrows would (each would send x a full-size gradient):
    /// the slices write their gradients into one shared buffer and send a one-element stand-in of x ("hub") a 0;
    /// the engine runs the hub after every slice that got a gradient (it depends on them all), and the hub hands x the buffer.
    /// </summary>
    public static Tensor[] Unbind(Tensor x, int dim = 0)
    {
        RequireFloat(x, "unbind");
        int d = ShapeUtil.Dim(dim, x.Rank, "unbind");
        int outer = 1, inner = 1, n = x.Dims[d];
        for (int i = 0; i < d; i++) outer *= x.Dims[i];
        for (int i = d + 1; i < x.Rank; i++) inner *= x.Dims[i];
        var shape = x.Dims.Where((_, i) => i != d).ToArray();
        var src = x.F32!;
        var slices = new Tensor[n];
        for (int s = 0; s < n; s++)
        {
            var o = new float[outer * inner];
            for (int i = 0; i < outer; i++) Array.Copy(src, (i * n + s) * inner, o, i * inner, inner);
            slices[s] = new Tensor((int[])shape.Clone(), o);
        }
        if (!GradMode.IsEnabled || !x.RequiresGrad) return slices;

        float[]? acc = null;   // the shared gradient of x for one backward pass
        var hub = Record("unbind", Tensor.Zeros(1), _ =>
        {
            var g = acc ?? new float[x.Numel];
            acc = null;          // a retained graph starts the next pass from zero
            return [new Tensor(x.Shape, g)];
        }, x);
        for (int s = 0; s < n; s++)
        {
            int slice = s;
            slices[s] = Record("unbind_slice", slices[s], g =>
            {
                acc ??= new float[x.Numel];
                var gv = g.F32!;
                for (int i = 0; i < outer; i++)
                    System.Numerics.Tensors.TensorPrimitives.Add(acc.AsSpan((i * n + slice) * inner, inner), gv.AsSpan(i * inner, inner), acc.AsSpan((i * n + slice) * inner, inner));
                return [Tensor.Zeros(1)];
            }, hub);
        }
        return slices;
    }

    /// <summary>Reverses the order of x along <paramref name="dim"/> (torch.flip); the gradient is flipped back.</summary>
    public static Tensor Flip(Tensor x, int dim)
    {
        RequireFloat(x, "flip");
        int d = ShapeUtil.Dim(dim, x.Rank, "flip");
        int outer = 1, inner = 1, n = x.Dims[d];
        for (int i = 0; i < d; i++) outer *= x.Dims[i];
        for (int i = d + 1; i < x.Rank; i++) inner *= x.Dims[i];
        float[] Reverse(float[] v)
        {
            var o = new float[v.Length];
            for (int i = 0; i < outer; i++)
                for (int s = 0; s < n; s++) Array.Copy(v, (i * n + s) * inner, o, (i * n + n - 1 - s) * inner, inner);
            return o;
        }
        return Record("flip", new Tensor(x.Shape, Reverse(x.F32!)), g => [new Tensor(x.Shape, Reverse(g.F32!))], x);
    }
}
