using Tessera.Kernels;

namespace Tessera;

/// <summary>The projection weights of multi-head attention, under PyTorch's names (nn.MultiheadAttention).</summary>
/// <param name="InProjWeight">[3E, E], row blocks q, k, v; null when the projections are separate (kdim or vdim ≠ E).</param>
/// <param name="InProjBias">[3E] or null.</param>
/// <param name="QProjWeight">[E, E] when separate.</param>
/// <param name="KProjWeight">[E, kdim] when separate.</param>
/// <param name="VProjWeight">[E, vdim] when separate.</param>
/// <param name="OutProjWeight">[E, E].</param>
/// <param name="OutProjBias">[E] or null.</param>
/// <param name="BiasK">[1, 1, E] appended to the keys (add_bias_kv) or null.</param>
/// <param name="BiasV">[1, 1, E] appended to the values (add_bias_kv) or null.</param>
public sealed record MultiHeadWeights(Tensor? InProjWeight, Tensor? InProjBias, Tensor? QProjWeight, Tensor? KProjWeight, Tensor? VProjWeight,
    Tensor OutProjWeight, Tensor? OutProjBias, Tensor? BiasK = null, Tensor? BiasV = null);

public static partial class F
{
    /// <summary>
    /// Multi-head attention as torch.nn.functional.multi_head_attention_forward (1.13). query [L, N, E] ([N, L, E] when
    /// <paramref name="batchFirst"/>, [L, E] unbatched), key [S, N, kdim], value [S, N, vdim] → (output in the query's layout,
    /// weights [N, L, S] averaged over heads or [N, H, L, S]; null unless <paramref name="needWeights"/>).
    /// key_padding_mask [N, S] (True = ignore); attn_mask [L, S] or [N·H, L, S], bool (True = masked out) or float (added).
    /// Heads are read from and written to the projected tensors in place (strided batched GEMMs, no head transposes).
    /// </summary>
    public static (Tensor Output, Tensor? Weights) MultiHeadAttention(Tensor query, Tensor key, Tensor value, int numHeads, MultiHeadWeights w,
        Tensor? keyPaddingMask = null, Tensor? attnMask = null, bool needWeights = true, bool averageAttnWeights = true,
        bool batchFirst = false, float dropout = 0f, bool training = true, bool addZeroAttn = false, Generator? gen = null)
    {
        const string op = "MultiheadAttention";
        int e = w.OutProjWeight.Dims[0];
        RequireFloat(query, op, "query"); RequireFloat(key, op, "key"); RequireFloat(value, op, "value");
        if (numHeads <= 0 || e % numHeads != 0) throw new ArgumentException($"{op}(embed_dim={e}, num_heads={numHeads}): embed_dim must be divisible by num_heads");
        bool batched = query.Rank == 3;
        if ((query.Rank != 2 && query.Rank != 3) || key.Rank != query.Rank || value.Rank != query.Rank)
            throw new ArgumentException($"{op}(embed_dim={e}): query, key and value must all be 3-d (batched) or 2-d (unbatched), got query {ShapeUtil.Format(query.Dims)}, key {ShapeUtil.Format(key.Dims)}, value {ShapeUtil.Format(value.Dims)}");
        bool seqFirst = batched && !batchFirst;
        int n = batched ? query.Dims[seqFirst ? 1 : 0] : 1;
        int l = query.Dims[batched && !seqFirst ? 1 : 0];
        int s = key.Dims[batched && !seqFirst ? 1 : 0];
        if (batched && (key.Dims[seqFirst ? 1 : 0] != n || value.Dims[seqFirst ? 1 : 0] != n))
            throw new ArgumentException($"{op}(embed_dim={e}): query, key and value have different batch sizes (query {ShapeUtil.Format(query.Dims)}, key {ShapeUtil.Format(key.Dims)}, value {ShapeUtil.Format(value.Dims)}, batch_first={batchFirst})");
        if (value.Dims[batched && !seqFirst ? 1 : 0] != s)
            throw new ArgumentException($"{op}(embed_dim={e}): key has {s} positions but value has {value.Dims[batched && !seqFirst ? 1 : 0]} (key {ShapeUtil.Format(key.Dims)}, value {ShapeUtil.Format(value.Dims)})");
        if (query.Dims[^1] != e) throw new ArgumentException($"{op}(embed_dim={e}): query has {query.Dims[^1]} features (shape {ShapeUtil.Format(query.Dims)})");
        int hd = e / numHeads;

        // In-projections: one GEMM for self-attention (q, k, v the same tensor), else one per role.
        var (pq, pk, pv) = Project(query, key, value, w, e, op);
        if (w.BiasK != null || addZeroAttn)
        {
            // add_bias_kv / add_zero_attn append one key/value position per option (then masks get a column of "keep").
            int seqDim = batched && !seqFirst ? 1 : 0;
            var kp = Narrow(pk.T, -1, pk.Col0, e); var vp = Narrow(pv.T, -1, pv.Col0, e);
            if (w.BiasK != null) { kp = AppendPosition(kp, w.BiasK, seqDim); vp = AppendPosition(vp, w.BiasV!, seqDim); }
            if (addZeroAttn) { var z = Tensor.Zeros(1, 1, e); kp = AppendPosition(kp, z, seqDim); vp = AppendPosition(vp, z, seqDim); }
            int extra = kp.Dims[seqDim] - s;
            (pk, pv) = (new Projected(kp, e, 0), new Projected(vp, e, 0));
            attnMask = attnMask == null ? null : PadLastDim(attnMask, extra);
            keyPaddingMask = keyPaddingMask == null ? null : PadLastDim(keyPaddingMask, extra);
            s += extra;
        }

        // Head h of example n: columns col0 + h·hd of a [rows, N, cols] (seq-first) or [N, rows, cols] tensor.
        MatrixBatch View(int cols, int col0, int rows) => seqFirst
            ? new MatrixBatch(col0, cols, hd, n * cols)
            : new MatrixBatch(col0, rows * cols, hd, cols);

        var scoresShape = new[] { n, numHeads, l, s };
        var plan = new ScoreMask { Queries = l };
        Tensor? floatMask = null;
        if (attnMask != null)
        {
            int[] view;
            if (attnMask.Rank == 2 && attnMask.Dims[0] == l && attnMask.Dims[1] == s) view = [l, s];
            else if (attnMask.Rank == 3 && attnMask.Dims[0] == n * numHeads && attnMask.Dims[1] == l && attnMask.Dims[2] == s) view = [n, numHeads, l, s];
            else throw new ArgumentException($"{op}(embed_dim={e}, num_heads={numHeads}): attn_mask must be [L, S] = [{l}, {s}] or [N·num_heads, L, S] = [{n * numHeads}, {l}, {s}], got {ShapeUtil.Format(attnMask.Dims)}");
            AddMask(plan, attnMask, view, scoresShape, op, "attn_mask", ref floatMask);
        }
        if (keyPaddingMask != null)
        {
            bool ok = batched ? keyPaddingMask.Rank == 2 && keyPaddingMask.Dims[0] == n && keyPaddingMask.Dims[1] == s
                              : keyPaddingMask.Rank == 1 && keyPaddingMask.Dims[0] == s;
            if (!ok) throw new ArgumentException($"{op}(embed_dim={e}): key_padding_mask must be {(batched ? $"[N, S] = [{n}, {s}]" : $"[S] = [{s}]")}, got {ShapeUtil.Format(keyPaddingMask.Dims)}");
            AddMask(plan, keyPaddingMask, [n, 1, 1, s], scoresShape, op, "key_padding_mask", ref floatMask);
        }

        var weights = AttentionWeights(pq.T, View(pq.Cols, pq.Col0, l), pk.T, View(pk.Cols, pk.Col0, s), n, numHeads, l, s, hd, 1f / MathF.Sqrt(hd), plan, floatMask, scoresShape);
        if (dropout > 0 && training) weights = Dropout(weights, dropout, training, gen);
        int[] ctxShape = !batched ? [l, e] : seqFirst ? [l, n, e] : [n, l, e];
        var ctx = AttentionContext(weights, pv.T, View(pv.Cols, pv.Col0, s), n, numHeads, l, s, hd, ctxShape, View(e, 0, l));
        var output = Linear(ctx, w.OutProjWeight, w.OutProjBias);
        if (!needWeights) return (output, null);
        var wOut = averageAttnWeights ? Mean(weights, 1) : weights;
        if (!batched) wOut = Squeeze(wOut, 0);
        return (output, wOut);
    }

    /// <summary>A projected role (q, k or v): the tensor that holds it, its column count, and the role's first column.</summary>
    private readonly record struct Projected(Tensor T, int Cols, int Col0);

    /// <summary>The q, k and v projections; packed ones share one tensor at different column offsets.</summary>
    private static (Projected Q, Projected K, Projected V) Project(Tensor query, Tensor key, Tensor value, MultiHeadWeights w, int e, string op)
    {
        Tensor? B(int block) => w.InProjBias == null ? null : Narrow(w.InProjBias, 0, block * e, e);
        if (w.InProjWeight != null)
        {
            if (w.InProjWeight.Rank != 2 || w.InProjWeight.Dims[0] != 3 * e || w.InProjWeight.Dims[1] != e)
                throw new ArgumentException($"{op}(embed_dim={e}): in_proj_weight must be [{3 * e}, {e}], got {ShapeUtil.Format(w.InProjWeight.Dims)}");
            CheckFeatures(key, e, "key", op); CheckFeatures(value, e, "value", op);
            if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
            {
                var qkv = Linear(query, w.InProjWeight, w.InProjBias);
                return (new(qkv, 3 * e, 0), new(qkv, 3 * e, e), new(qkv, 3 * e, 2 * e));
            }
            var q = Linear(query, Narrow(w.InProjWeight, 0, 0, e), B(0));
            if (ReferenceEquals(key, value))
            {
                var kv = Linear(key, Narrow(w.InProjWeight, 0, e, 2 * e), w.InProjBias == null ? null : Narrow(w.InProjBias, 0, e, 2 * e));
                return (new(q, e, 0), new(kv, 2 * e, 0), new(kv, 2 * e, e));
            }
            var k = Linear(key, Narrow(w.InProjWeight, 0, e, e), B(1));
            var v = Linear(value, Narrow(w.InProjWeight, 0, 2 * e, e), B(2));
            return (new(q, e, 0), new(k, e, 0), new(v, e, 0));
        }
        if (w.QProjWeight == null || w.KProjWeight == null || w.VProjWeight == null)
            throw new ArgumentException($"{op}(embed_dim={e}): either in_proj_weight or all of q_proj_weight, k_proj_weight, v_proj_weight are needed");
        CheckFeatures(key, w.KProjWeight.Dims[1], "key", op); CheckFeatures(value, w.VProjWeight.Dims[1], "value", op);
        return (new(Linear(query, w.QProjWeight, B(0)), e, 0), new(Linear(key, w.KProjWeight, B(1)), e, 0), new(Linear(value, w.VProjWeight, B(2)), e, 0));
    }

    private static void CheckFeatures(Tensor x, int expected, string arg, string op)
    {
        if (x.Dims[^1] != expected)
            throw new ArgumentException($"{op}: {arg} has {x.Dims[^1]} features, expected {(arg == "key" ? "kdim" : "vdim")} = {expected} (shape {ShapeUtil.Format(x.Dims)})");
    }

    /// <summary>Appends <paramref name="row"/> [1, 1, E] as one more position along <paramref name="seqDim"/> of x (batched or not).</summary>
    private static Tensor AppendPosition(Tensor x, Tensor row, int seqDim)
    {
        var shape = x.Shape; shape[seqDim] = 1;
        var r = Expand(Reshape(row, x.Rank == 2 ? [1, shape[^1]] : [1, 1, shape[^1]]), shape);
        return Cat([x, r], seqDim);
    }

    /// <summary>A mask with <paramref name="extra"/> more key columns that mask nothing (false / 0).</summary>
    private static Tensor PadLastDim(Tensor mask, int extra)
    {
        int s = mask.Dims[^1], rows = mask.Numel / Math.Max(1, s);
        var shape = mask.Shape; shape[^1] = s + extra;
        if (mask.DType == DType.Bool)
        {
            var src = mask.B8!; var o = new bool[rows * (s + extra)];
            for (int r = 0; r < rows; r++) Array.Copy(src, r * s, o, r * (s + extra), s);
            return new Tensor(shape, o);
        }
        var zeros = Tensor.Zeros(shape.Take(shape.Length - 1).Append(extra).ToArray());
        return Cat([mask, zeros], -1);
    }
}
