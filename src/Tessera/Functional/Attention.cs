using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Scaled dot-product attention (Vaswani et al. 2017, eq. 1): <c>W = softmax(Q Kᵀ·scale + M)</c>, <c>output = W V</c>.
    /// query [*, Lq, d], key [*, Lk, d], value [*, Lk, dv] with the same leading dims → (output [*, Lq, dv], weights [*, Lq, Lk]).
    /// <paramref name="scale"/> defaults to 1/√d. <paramref name="attnMask"/> broadcasts (right-aligned) to [*, Lq, Lk]:
    /// bool True = masked out (PyTorch's nn.MultiheadAttention convention), float = added to the scores (and differentiable).
    /// <paramref name="isCausal"/> masks key j &gt; query i (top-left aligned). A query whose keys are all masked gets
    /// weights 0 and output 0 (where PyTorch's math path returns NaN).
    /// </summary>
    public static (Tensor Output, Tensor Weights) ScaledDotProductAttention(Tensor query, Tensor key, Tensor value,
        Tensor? attnMask = null, float? scale = null, bool isCausal = false)
    {
        const string op = "ScaledDotProductAttention";
        RequireFloat(query, op, "query"); RequireFloat(key, op, "key"); RequireFloat(value, op, "value");
        if (query.Rank < 2 || key.Rank != query.Rank || value.Rank != query.Rank)
            throw new ArgumentException($"{op}: query, key and value must be [*, L, d] with the same rank ≥ 2, got query {ShapeUtil.Format(query.Dims)}, key {ShapeUtil.Format(key.Dims)}, value {ShapeUtil.Format(value.Dims)}");
        var lead = query.Dims[..^2];
        if (!ShapeUtil.SameShape(lead, key.Dims[..^2]) || !ShapeUtil.SameShape(lead, value.Dims[..^2]))
            throw new ArgumentException($"{op}: query, key and value must share their leading dims, got query {ShapeUtil.Format(query.Dims)}, key {ShapeUtil.Format(key.Dims)}, value {ShapeUtil.Format(value.Dims)}");
        int lq = query.Dims[^2], d = query.Dims[^1], lk = key.Dims[^2], dv = value.Dims[^1];
        if (key.Dims[^1] != d) throw new ArgumentException($"{op}: query has {d} features but key has {key.Dims[^1]} (query {ShapeUtil.Format(query.Dims)}, key {ShapeUtil.Format(key.Dims)})");
        if (value.Dims[^2] != lk) throw new ArgumentException($"{op}: key has {lk} positions but value has {value.Dims[^2]} (key {ShapeUtil.Format(key.Dims)}, value {ShapeUtil.Format(value.Dims)})");
        int n = ShapeUtil.Numel(lead);
        var scoresShape = lead.Concat(new[] { lq, lk }).ToArray();
        var mask = new ScoreMask { Causal = isCausal, Queries = lq };
        Tensor? floatMask = null;
        if (attnMask != null) AddMask(mask, attnMask, attnMask.Dims, scoresShape, op, "attn_mask", ref floatMask);
        float s = scale ?? 1f / MathF.Sqrt(d);
        var w = AttentionWeights(query, MatrixBatch.Contiguous(lq, d), key, MatrixBatch.Contiguous(lk, d), n, 1, lq, lk, d, s, mask, floatMask, scoresShape);
        var o = AttentionContext(w, value, MatrixBatch.Contiguous(lk, dv), n, 1, lq, lk, dv, lead.Concat(new[] { lq, dv }).ToArray(), MatrixBatch.Contiguous(lq, dv));
        return (o, w);
    }

    /// <summary>
    /// softmax over the last dim of <c>scores·scale + mask</c> for scores [*, Lq, Lk], in one fused pass: bool mask True =
    /// masked out (weight exactly 0), float mask added (and differentiable), <paramref name="isCausal"/> masks key j &gt; query i.
    /// The mask broadcasts right-aligned and is never expanded to the scores' size. A fully masked row gives all zeros.
    /// </summary>
    public static Tensor MaskedSoftmax(Tensor scores, Tensor? mask = null, bool isCausal = false, float scale = 1f)
    {
        const string op = "masked_softmax";
        RequireFloat(scores, op, "scores");
        if (scores.Rank < 1) throw new ArgumentException($"{op}: scores must have at least 1 dim, got {ShapeUtil.Format(scores.Dims)}");
        var plan = new ScoreMask { Causal = isCausal, Queries = scores.Rank >= 2 ? scores.Dims[^2] : 1 };
        Tensor? floatMask = null;
        if (mask != null) AddMask(plan, mask, mask.Dims, scores.Dims, op, "mask", ref floatMask);
        return MaskedSoftmaxCore(scores, plan, floatMask, scale);
    }

    /// <summary>The fused masked softmax given a prepared mask plan (<paramref name="floatMask"/> is the plan's additive mask tensor, for its gradient).</summary>
    internal static Tensor MaskedSoftmaxCore(Tensor scores, ScoreMask plan, Tensor? floatMask, float scale)
    {
        int s = scores.Dims[^1], rows = scores.Numel / Math.Max(1, s);
        var x = scores.F32!; var y = BufferPool.RentZeroed(x.Length);
        for (int r = 0; r < rows; r++)
        {
            var z = y.AsSpan(r * s, s);
            System.Numerics.Tensors.TensorPrimitives.Multiply(x.AsSpan(r * s, s), scale, z);
            plan.Apply(r, z);
            Kernels.MaskedSoftmax.Row(z);
        }
        var inputs = floatMask != null ? new[] { scores, floatMask } : new[] { scores };
        return Record("masked_softmax", new Tensor(scores.Shape, y), g =>
        {
            var dz = SoftmaxGrad(y, g.F32!, rows, s);
            var gm = floatMask is { RequiresGrad: true } ? AdditiveMaskGrad(plan, floatMask, dz, rows, s) : null;
            Tensor? gs = null;
            if (scores.RequiresGrad)
            {
                if (scale != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(dz, scale, dz);
                gs = new Tensor(scores.Shape, dz);
            }
            return floatMask != null ? [gs, gm] : [gs];
        }, inputs);
    }

    /// <summary>
    /// Attention weights of an N × H batch of (query, key) matrix pairs read in place through strided views:
    /// W[n,h] = masked softmax(scale · Q[n,h] K[n,h]ᵀ) → a new contiguous tensor of <paramref name="weightShape"/> (N·H·L·S values).
    /// q and k may be the same tensor (a packed projection, or self-attention); its gradients are then summed in one buffer.
    /// </summary>
    internal static Tensor AttentionWeights(Tensor q, MatrixBatch qv, Tensor k, MatrixBatch kv, int n, int h, int l, int s, int d,
        float scale, ScoreMask mask, Tensor? floatMask, int[] weightShape)
    {
        var qd = q.F32!; var kd = k.F32!;
        var w = BufferPool.RentZeroed(n * h * l * s);
        var wv = new MatrixBatch(0, h * l * s, l * s, s);
        int count = n * h;
        void Block(int b)
        {
            int bn = b / h, bh = b % h;
            Gemm.Multiply(false, true, l, s, d, scale, qd.AsSpan(qv.At(bn, bh)), qv.Ld, kd.AsSpan(kv.At(bn, bh)), kv.Ld, 0f, w.AsSpan(b * l * s, l * s), s);
            for (int i = 0; i < l; i++)
            {
                var z = w.AsSpan((b * l + i) * s, s);
                mask.Apply(b * l + i, z);
                Kernels.MaskedSoftmax.Row(z);
            }
        }
        if (StridedGemm.Parallel(count, (long)l * s * d)) Parallel.For(0, count, Kernels.Work.Cores, Block);
        else for (int b = 0; b < count; b++) Block(b);

        bool same = ReferenceEquals(q, k);
        var inputs = new List<Tensor> { q };
        if (!same) inputs.Add(k);
        if (floatMask != null) inputs.Add(floatMask);
        return Record("attention_weights", new Tensor(weightShape, w), g =>
        {
            int rows = count * l;
            var dz = SoftmaxGrad(w, g.F32!, rows, s);
            var grads = new List<Tensor?>();
            float[]? dq = q.RequiresGrad ? BufferPool.RentZeroed(qd.Length) : null;
            float[]? dk = same ? dq : k.RequiresGrad ? BufferPool.RentZeroed(kd.Length) : null;
            // Z = scale·Q Kᵀ: dQ = scale·dZ K, dK = scale·dZᵀ Q (accumulated: q and k may share a buffer).
            if (dq != null) StridedGemm.Multiply(false, false, n, h, l, d, s, scale, dz, wv, kd, kv, 1f, dq, qv);
            if (dk != null) StridedGemm.Multiply(true, false, n, h, s, d, l, scale, dz, wv, qd, qv, 1f, dk, kv);
            grads.Add(dq != null ? new Tensor(q.Shape, dq) : null);
            if (!same) grads.Add(dk != null ? new Tensor(k.Shape, dk) : null);
            if (floatMask != null) grads.Add(floatMask.RequiresGrad ? AdditiveMaskGrad(mask, floatMask, dz, rows, s) : null);
            return grads.ToArray();
        }, inputs.ToArray());
    }

    /// <summary>
    /// Context of an N × H batch: O[n,h] = W[n,h] V[n,h], V read and O written through strided views (so heads land in their
    /// columns of a [L, N, E] or [N, L, E] output directly). W is contiguous [N, H, L, S].
    /// </summary>
    internal static Tensor AttentionContext(Tensor w, Tensor v, MatrixBatch vv, int n, int h, int l, int s, int dv, int[] outShape, MatrixBatch ov)
    {
        var wd = w.F32!; var vd = v.F32!;
        var wv = new MatrixBatch(0, h * l * s, l * s, s);
        var o = BufferPool.RentZeroed(ShapeUtil.Numel(outShape));
        StridedGemm.Multiply(false, false, n, h, l, dv, s, 1f, wd, wv, vd, vv, 0f, o, ov);
        return Record("attention_context", new Tensor(outShape, o), g =>
        {
            var gd = g.F32!;
            Tensor? gw = null, gv = null;
            if (w.RequiresGrad)
            {
                var dw = BufferPool.RentZeroed(wd.Length);
                StridedGemm.Multiply(false, true, n, h, l, s, dv, 1f, gd, ov, vd, vv, 0f, dw, wv);
                gw = new Tensor(w.Shape, dw);
            }
            if (v.RequiresGrad)
            {
                var dvv = BufferPool.RentZeroed(vd.Length);
                StridedGemm.Multiply(true, false, n, h, s, dv, l, 1f, wd, wv, gd, ov, 1f, dvv, vv);
                gv = new Tensor(v.Shape, dvv);
            }
            return [gw, gv];
        }, w, v);
    }

    /// <summary>dz = y ⊙ (g − Σ g⊙y) row by row (rows in parallel when large).</summary>
    private static float[] SoftmaxGrad(float[] y, float[] g, int rows, int s)
    {
        var dz = BufferPool.RentZeroed(y.Length);
        void Rows(int r0, int r1)
        {
            for (int r = r0; r < r1; r++)
                Kernels.MaskedSoftmax.BackwardRow(y.AsSpan(r * s, s), g.AsSpan(r * s, s), dz.AsSpan(r * s, s));
        }
        if (rows > 64 && (long)rows * s >= 1 << 16 && Environment.ProcessorCount > 1)
        {
            int chunks = Math.Min(rows, Environment.ProcessorCount * 4), per = (rows + chunks - 1) / chunks;
            Parallel.For(0, chunks, Kernels.Work.Cores, c => Rows(c * per, Math.Min(rows, (c + 1) * per)));
        }
        else Rows(0, rows);
        return dz;
    }

    /// <summary>The float mask's gradient: the score gradient summed over the dims the mask was broadcast along.</summary>
    private static Tensor AdditiveMaskGrad(ScoreMask plan, Tensor floatMask, float[] dz, int rows, int s)
    {
        var gm = BufferPool.RentZeroed(floatMask.Numel);
        for (int r = 0; r < rows; r++) plan.AccumulateAdditiveGrad(r, dz.AsSpan(r * s, s), gm);
        return new Tensor(floatMask.Shape, gm);
    }

    /// <summary>
    /// Adds <paramref name="mask"/> (seen with shape <paramref name="viewShape"/>) to the plan: bool = masked where true,
    /// float = added (at most one float mask). Throws naming the op and both shapes when it does not broadcast.
    /// </summary>
    internal static void AddMask(ScoreMask plan, Tensor mask, int[] viewShape, int[] scoresShape, string op, string arg, ref Tensor? floatMask)
    {
        bool fits = viewShape.Length <= scoresShape.Length;
        for (int i = 0; fits && i < viewShape.Length; i++)
        {
            int m = viewShape[^(i + 1)], t = scoresShape[^(i + 1)];
            fits = m == t || m == 1;
        }
        if (!fits) throw new ArgumentException($"{op}: {arg} of shape {ShapeUtil.Format(mask.Dims)} does not broadcast to the attention scores' shape {ShapeUtil.Format(scoresShape)}");
        switch (mask.DType)
        {
            case DType.Bool: plan.AddBool(mask.B8!, viewShape, scoresShape); break;
            case DType.Float32:
                if (floatMask != null) throw new ArgumentException($"{op}: only one float mask can be added to the scores ({arg} is the second)");
                plan.SetAdditive(mask.F32!, viewShape, scoresShape);
                floatMask = mask;
                break;
            default: throw new ArgumentException($"{op}: {arg} must be bool (true = masked out) or float32 (added to the scores), got {DTypes.Name(mask.DType)} of shape {ShapeUtil.Format(mask.Dims)}");
        }
    }
}
