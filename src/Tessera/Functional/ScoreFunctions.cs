using System.Numerics.Tensors;
using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Global attention given alignment scores [N, Lq, Lk]: weights = softmax over the keys (padded keys, where
    /// <paramref name="keyPaddingMask"/> [N, Lk] is True, get weight 0), context = weights · values [N, Lk, dv] → [N, Lq, dv].
    /// </summary>
    public static (Tensor Context, Tensor Weights) Attend(Tensor scores, Tensor values, Tensor? keyPaddingMask = null)
    {
        const string op = "attend";
        if (scores.Rank != 3 || values.Rank != 3 || values.Dims[0] != scores.Dims[0] || values.Dims[1] != scores.Dims[2])
            throw new ArgumentException($"{op}: scores must be [N, Lq, Lk] and values [N, Lk, dv], got scores {ShapeUtil.Format(scores.Dims)}, values {ShapeUtil.Format(values.Dims)}");
        var plan = new ScoreMask { Queries = scores.Dims[1] };
        Tensor? floatMask = null;
        if (keyPaddingMask != null)
        {
            if (keyPaddingMask.DType != DType.Bool || keyPaddingMask.Rank != 2 || keyPaddingMask.Dims[0] != scores.Dims[0] || keyPaddingMask.Dims[1] != scores.Dims[2])
                throw new ArgumentException($"{op}: key_padding_mask must be bool [N, Lk] = [{scores.Dims[0]}, {scores.Dims[2]}], got {DTypes.Name(keyPaddingMask.DType)} {ShapeUtil.Format(keyPaddingMask.Dims)}");
            AddMask(plan, keyPaddingMask, [scores.Dims[0], 1, scores.Dims[2]], scores.Dims, op, "key_padding_mask", ref floatMask);
        }
        var w = MaskedSoftmaxCore(scores, plan, null, 1f);
        return (BatchedMatmul(w, values, false, false), w);
    }

    /// <summary>x / max(‖x‖₂, eps) along the last dim (torch.nn.functional.normalize). Below eps the norm is the constant eps.</summary>
    public static Tensor Normalize(Tensor x, float eps = 1e-12f)
    {
        RequireFloat(x, "normalize");
        if (x.Rank == 0) throw new ArgumentException("normalize: input needs at least 1 dim");
        int d = x.Dims[^1], rows = d == 0 ? 0 : x.Numel / d;
        var xv = x.F32!; var y = BufferPool.RentZeroed(xv.Length); var norm = BufferPool.RentZeroed(rows);
        for (int r = 0; r < rows; r++)
        {
            var src = xv.AsSpan(r * d, d);
            double ss = 0; foreach (var v in src) ss += (double)v * v;
            float nrm = (float)Math.Sqrt(ss);
            norm[r] = nrm;
            TensorPrimitives.Divide(src, Math.Max(nrm, eps), y.AsSpan(r * d, d));
        }
        return Record("normalize", new Tensor(x.Shape, y), g =>
        {
            // n ≥ eps: y = x/n, dx = (g − y·(g·y)) / n. n < eps: y = x/eps, dx = g/eps.
            var gv = g.F32!; var dx = BufferPool.RentZeroed(xv.Length);
            for (int r = 0; r < rows; r++)
            {
                var gr = gv.AsSpan(r * d, d); var yr = y.AsSpan(r * d, d); var dr = dx.AsSpan(r * d, d);
                if (norm[r] >= eps)
                {
                    float dot = TensorPrimitives.Dot(gr, yr);
                    TensorPrimitives.MultiplyAdd(yr, -dot, gr, dr);
                    TensorPrimitives.Divide(dr, norm[r], dr);
                }
                else TensorPrimitives.Divide(gr, eps, dr);
            }
            return [new Tensor(x.Shape, dx)];
        }, x);
    }

    /// <summary>
    /// Additive (Bahdanau) scores without the [N, Lq, Lk, A] broadcast sum as separate tensors:
    /// score[n, i, j] = Σ_a v[a] · tanh(hq[n, i, a] + hk[n, j, a]). hq [N, Lq, A], hk [N, Lk, A], v with A values → [N, Lq, Lk].
    /// </summary>
    public static Tensor AdditiveScores(Tensor hq, Tensor hk, Tensor v)
    {
        const string op = "additive_scores";
        RequireFloat(hq, op, "hq"); RequireFloat(hk, op, "hk"); RequireFloat(v, op, "v");
        if (hq.Rank != 3 || hk.Rank != 3 || hq.Dims[0] != hk.Dims[0] || hq.Dims[2] != hk.Dims[2] || v.Numel != hq.Dims[2])
            throw new ArgumentException($"{op}: expected hq [N, Lq, A], hk [N, Lk, A] and A values in v, got hq {ShapeUtil.Format(hq.Dims)}, hk {ShapeUtil.Format(hk.Dims)}, v {ShapeUtil.Format(v.Dims)}");
        int n = hq.Dims[0], lq = hq.Dims[1], lk = hk.Dims[1], a = hq.Dims[2];
        var qd = hq.F32!; var kd = hk.F32!; var vd = v.F32!;
        var t = BufferPool.RentZeroed(n * lq * lk * a);           // tanh(hq_i + hk_j), kept for the backward pass
        var s = BufferPool.RentZeroed(n * lq * lk);
        for (int b = 0; b < n; b++)
            for (int i = 0; i < lq; i++)
            {
                var qi = qd.AsSpan((b * lq + i) * a, a);
                for (int j = 0; j < lk; j++)
                {
                    int p = (b * lq + i) * lk + j;
                    var tp = t.AsSpan(p * a, a);
                    TensorPrimitives.Add(qi, kd.AsSpan((b * lk + j) * a, a), tp);
                    TensorPrimitives.Tanh(tp, tp);
                    s[p] = TensorPrimitives.Dot(tp, vd);
                }
            }
        return Record(op, new Tensor([n, lq, lk], s), g =>
        {
            // d pre[n,i,j,:] = g[n,i,j] · v ⊙ (1 − t²); hq sums it over j, hk over i; v gets Σ g·t.
            var gv = g.F32!;
            var dq = BufferPool.RentZeroed(qd.Length); var dk = BufferPool.RentZeroed(kd.Length); var dvv = BufferPool.RentZeroed(a);
            var pre = BufferPool.RentZeroed(a);
            for (int b = 0; b < n; b++)
                for (int i = 0; i < lq; i++)
                    for (int j = 0; j < lk; j++)
                    {
                        int p = (b * lq + i) * lk + j;
                        float gp = gv[p];
                        if (gp == 0) continue;
                        var tp = t.AsSpan(p * a, a);
                        TensorPrimitives.MultiplyAdd(tp, gp, dvv, dvv);
                        TensorPrimitives.Multiply(tp, tp, pre);
                        TensorPrimitives.Subtract(1f, pre, pre);
                        TensorPrimitives.Multiply(pre, vd, pre);
                        var dqi = dq.AsSpan((b * lq + i) * a, a); var dkj = dk.AsSpan((b * lk + j) * a, a);
                        TensorPrimitives.MultiplyAdd(pre, gp, dqi, dqi);
                        TensorPrimitives.MultiplyAdd(pre, gp, dkj, dkj);
                    }
            return [hq.RequiresGrad ? new Tensor(hq.Shape, dq) : null, hk.RequiresGrad ? new Tensor(hk.Shape, dk) : null,
                    v.RequiresGrad ? new Tensor(v.Shape, dvv) : null];
        }, hq, hk, v);
    }

    /// <summary>
    /// Hard attention, deterministic forward (Xu et al. 2015): index[n, i] = argmax_j q_i · k_j, context = values[n, index].
    /// query [N, Lq, d], keys [N, Lk, d], values [N, Lk, dv] (null = keys) → (context [N, Lq, dv], index int64 [N, Lq]).
    /// The argmax is piecewise constant: query and keys get exact zero gradients; values get the context gradient at the
    /// chosen rows (rows chosen twice accumulate). Ties go to the first index.
    /// </summary>
    public static (Tensor Context, Tensor Index) HardAttention(Tensor query, Tensor keys, Tensor? values = null)
    {
        const string op = "HardAttention";
        CheckQueryKeys(query, keys, values, op, sameDim: true);
        int n = query.Dims[0], lq = query.Dims[1], lk = keys.Dims[1], d = query.Dims[2];
        var vals = values ?? keys;
        int dv = vals.Dims[2];
        var scores = BufferPool.RentZeroed(n * lq * lk);
        StridedGemm.Multiply(false, true, n, 1, lq, lk, d, 1f, query.F32!, MatrixBatch.Contiguous(lq, d), keys.F32!, MatrixBatch.Contiguous(lk, d), 0f, scores, MatrixBatch.Contiguous(lq, lk));
        var idx = new long[n * lq];
        var ctx = BufferPool.RentZeroed(n * lq * dv);
        var vd = vals.F32!;
        for (int r = 0; r < n * lq; r++)
        {
            var row = scores.AsSpan(r * lk, lk);
            int best = 0;
            for (int j = 1; j < lk; j++) if (row[j] > row[best]) best = j;
            idx[r] = best;
            vd.AsSpan(((r / lq) * lk + best) * dv, dv).CopyTo(ctx.AsSpan(r * dv, dv));
        }
        var inputs = values != null ? new[] { query, keys, values } : new[] { query, keys };
        var context = Record("hard_attention", new Tensor([n, lq, dv], ctx), g =>
        {
            var gv = g.F32!; var gvals = BufferPool.RentZeroed(vd.Length);
            for (int r = 0; r < n * lq; r++)
            {
                var dst = gvals.AsSpan(((r / lq) * lk + (int)idx[r]) * dv, dv);
                TensorPrimitives.Add(dst, gv.AsSpan(r * dv, dv), dst);
            }
            var gq = query.RequiresGrad ? Tensor.ZerosLike(query) : null;
            if (values == null) return [gq, keys.RequiresGrad ? new Tensor(keys.Shape, gvals) : null];
            return [gq, keys.RequiresGrad ? Tensor.ZerosLike(keys) : null, values.RequiresGrad ? new Tensor(values.Shape, gvals) : null];
        }, inputs);
        return (context, new Tensor([n, lq], idx));
    }

    /// <summary>Checks batch-first query [N, Lq, dq], keys [N, Lk, dk] and values [N, Lk, dv] (when given); throws naming the op and the shapes.</summary>
    internal static void CheckQueryKeys(Tensor query, Tensor keys, Tensor? values, string op, bool sameDim = false)
    {
        RequireFloat(query, op, "query"); RequireFloat(keys, op, "keys");
        if (values != null) RequireFloat(values, op, "values");
        string Shapes() => $"query {ShapeUtil.Format(query.Dims)}, keys {ShapeUtil.Format(keys.Dims)}" + (values != null ? $", values {ShapeUtil.Format(values.Dims)}" : "");
        if (query.Rank != 3 || keys.Rank != 3 || (values != null && values.Rank != 3))
            throw new ArgumentException($"{op}: query, keys and values must be batch-first [N, L, features], got {Shapes()}");
        if (keys.Dims[0] != query.Dims[0] || (values != null && values.Dims[0] != query.Dims[0]))
            throw new ArgumentException($"{op}: query, keys and values have different batch sizes ({Shapes()})");
        if (values != null && values.Dims[1] != keys.Dims[1])
            throw new ArgumentException($"{op}: keys and values have different lengths ({Shapes()})");
        if (sameDim && keys.Dims[2] != query.Dims[2])
            throw new ArgumentException($"{op}: query and keys must have the same feature size ({Shapes()})");
    }
}
