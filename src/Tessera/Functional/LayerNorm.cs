using System.Numerics.Tensors;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Layer normalisation (Ba et al. 2016) over the trailing dims <paramref name="normalizedShape"/>:
    /// y = (x − mean) / √(var + eps) · weight + bias, with the biased variance, as torch.nn.functional.layer_norm.
    /// x [*, normalized_shape], weight and bias [normalized_shape] or null. One fused op forward and backward.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
    {
        const string op = "LayerNorm";
        RequireFloat(x, op);
        int k = normalizedShape.Length;
        if (k == 0 || x.Rank < k || !ShapeUtil.SameShape(x.Dims[^k..], normalizedShape))
            throw new ArgumentException($"{op}(normalized_shape={ShapeUtil.Format(normalizedShape)}): input of shape {ShapeUtil.Format(x.Dims)} does not end with the normalized shape");
        if (weight != null && !ShapeUtil.SameShape(weight.Dims, normalizedShape))
            throw new ArgumentException($"{op}(normalized_shape={ShapeUtil.Format(normalizedShape)}): weight must have that shape, got {ShapeUtil.Format(weight.Dims)}");
        if (bias != null && !ShapeUtil.SameShape(bias.Dims, normalizedShape))
            throw new ArgumentException($"{op}(normalized_shape={ShapeUtil.Format(normalizedShape)}): bias must have that shape, got {ShapeUtil.Format(bias.Dims)}");
        int d = ShapeUtil.Numel(normalizedShape), rows = d == 0 ? 0 : x.Numel / d;
        var xv = x.F32!; var y = new float[xv.Length];
        var xhat = new float[xv.Length]; var rstd = new float[rows];
        float[]? wv = weight?.F32, bv = bias?.F32;
        void Rows(int r0, int r1)
        {
            for (int r = r0; r < r1; r++)
            {
                var src = xv.AsSpan(r * d, d); var xh = xhat.AsSpan(r * d, d);
                // Mean and variance in float64: a float32 running sum drifts on long rows.
                double mean = 0; foreach (var v in src) mean += v; mean /= d;
                double var = 0; foreach (var v in src) { double c = v - mean; var += c * c; } var /= d;
                float rs = (float)(1 / Math.Sqrt(var + eps));
                rstd[r] = rs;
                TensorPrimitives.Subtract(src, (float)mean, xh);
                TensorPrimitives.Multiply(xh, rs, xh);
                var dst = y.AsSpan(r * d, d);
                if (wv != null) TensorPrimitives.Multiply(xh, wv, dst); else xh.CopyTo(dst);
                if (bv != null) TensorPrimitives.Add(dst, bv, dst);
            }
        }
        ParallelRows(rows, d, Rows);
        var inputs = new List<Tensor> { x };
        if (weight != null) inputs.Add(weight);
        if (bias != null) inputs.Add(bias);
        return Record("layer_norm", new Tensor(x.Shape, y), g =>
        {
            var gv = g.F32!;
            Tensor? gx = null, gw = null, gb = null;
            if (x.RequiresGrad)
            {
                // dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)), ĝ = g ⊙ weight.
                var dx = new float[xv.Length];
                ParallelRows(rows, d, (r0, r1) =>
                {
                    for (int r = r0; r < r1; r++)
                    {
                        var gh = dx.AsSpan(r * d, d); var xh = xhat.AsSpan(r * d, d);
                        if (wv != null) TensorPrimitives.Multiply(gv.AsSpan(r * d, d), wv, gh); else gv.AsSpan(r * d, d).CopyTo(gh);
                        float m1 = TensorPrimitives.Sum(gh) / d, m2 = TensorPrimitives.Dot(gh, xh) / d;
                        for (int j = 0; j < d; j++) gh[j] = rstd[r] * (gh[j] - m1 - xh[j] * m2);
                    }
                });
                gx = new Tensor(x.Shape, dx);
            }
            if (weight is { RequiresGrad: true })
            {
                var dw = new float[d]; var t = new float[d];
                for (int r = 0; r < rows; r++)
                {
                    TensorPrimitives.Multiply(gv.AsSpan(r * d, d), xhat.AsSpan(r * d, d), t);
                    TensorPrimitives.Add(dw, t, dw);
                }
                gw = new Tensor(weight.Shape, dw);
            }
            if (bias is { RequiresGrad: true })
            {
                var db = new float[d];
                Kernels.Reduce.Sum(gv, db, 1, rows, d);
                gb = new Tensor(bias.Shape, db);
            }
            var grads = new List<Tensor?> { gx };
            if (weight != null) grads.Add(gw);
            if (bias != null) grads.Add(gb);
            return grads.ToArray();
        }, inputs.ToArray());
    }

    /// <summary>Runs <paramref name="body"/>(r0, r1) over row ranges, split over cores when there is enough work.</summary>
    internal static void ParallelRows(int rows, int width, Action<int, int> body)
    {
        if (rows > 1 && (long)rows * width >= 1 << 16 && Environment.ProcessorCount > 1)
        {
            int chunks = Math.Min(rows, Environment.ProcessorCount * 4), per = (rows + chunks - 1) / chunks;
            Parallel.For(0, chunks, c => body(c * per, Math.Min(rows, (c + 1) * per)));
        }
        else body(0, rows);
    }
}
