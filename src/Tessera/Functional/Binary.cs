namespace Tessera;

public static partial class F
{
    /// <summary>
    /// sign(x) ∈ {−1, 0, +1} with the straight-through estimator as its gradient (Hinton 2012; Hubara et al. 2016;
    /// XNOR-Net, Rastegari et al. 2016): ∂sign(x)/∂x := 1 where |x| ≤ 1, else 0. Any shape.
    /// </summary>
    public static Tensor SignSte(Tensor x)
    {
        RequireFloat(x, "sign_ste");
        var xs = x.F32!;
        var y = BufferPool.RentZeroed(xs.Length);
        for (int i = 0; i < y.Length; i++) y[i] = MathF.Sign(xs[i]);
        return Record("sign_ste", new Tensor(x.Shape, y), g =>
        {
            var gs = g.F32!; var dx = BufferPool.RentZeroed(xs.Length);
            for (int i = 0; i < dx.Length; i++) dx[i] = MathF.Abs(xs[i]) <= 1f ? gs[i] : 0f;
            return [new Tensor(x.Shape, dx)];
        }, x);
    }

    /// <summary>
    /// XNOR-Net weight binarisation (Rastegari et al. 2016, Sec. 3.1): per output channel o (dim 0),
    /// W_b[o] = α_o·sign(W[o]) with α_o = mean |W[o]| over its n values. W [out, *] → same shape.
    /// Backward is the exact chain rule through α and the straight-through sign:
    /// ∂L/∂W[o,i] = α_o·1{|W[o,i]| ≤ 1}·G[o,i] + sign(W[o,i])/n · Σ_j G[o,j]·sign(W[o,j]), G = ∂L/∂W_b.
    /// </summary>
    public static Tensor BinarizeWeight(Tensor weight)
    {
        const string op = "binarize_weight";
        RequireFloat(weight, op, "weight");
        if (weight.Rank < 1 || weight.Dims[0] == 0) throw new ArgumentException($"{op}: weight must be [out, *] with out > 0, got shape {ShapeUtil.Format(weight.Dims)}");
        int o = weight.Dims[0], n = weight.Numel / o;
        if (n == 0) throw new ArgumentException($"{op}: each filter of weight {ShapeUtil.Format(weight.Dims)} is empty");
        var w = weight.F32!;
        var alpha = BufferPool.RentZeroed(o); var wb = BufferPool.RentZeroed(w.Length);
        for (int r = 0; r < o; r++)
        {
            double s = 0;
            for (int i = 0; i < n; i++) s += MathF.Abs(w[r * n + i]);
            alpha[r] = (float)(s / n);
            for (int i = 0; i < n; i++) wb[r * n + i] = alpha[r] * MathF.Sign(w[r * n + i]);
        }
        return Record(op, new Tensor(weight.Shape, wb), g =>
        {
            var gs = g.F32!; var dw = BufferPool.RentZeroed(w.Length);
            for (int r = 0; r < o; r++)
            {
                double dot = 0; // Σ_j G[o,j]·sign(W[o,j]): the path through α
                for (int i = 0; i < n; i++) dot += (double)gs[r * n + i] * MathF.Sign(w[r * n + i]);
                float viaAlpha = (float)(dot / n);
                for (int i = 0; i < n; i++)
                {
                    float v = w[r * n + i];
                    dw[r * n + i] = (MathF.Abs(v) <= 1f ? alpha[r] * gs[r * n + i] : 0f) + MathF.Sign(v) * viaAlpha;
                }
            }
            return [new Tensor(weight.Shape, dw)];
        }, weight);
    }
}
