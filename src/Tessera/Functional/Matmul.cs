using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// torch.matmul: 2-d × 2-d is a matrix product; a 1-d operand is promoted to a matrix and the added dim
    /// removed; leading (batch) dims broadcast. [..., m, k] × [..., k, n] → [..., m, n].
    /// </summary>
    public static Tensor Matmul(Tensor a, Tensor b)
    {
        RequireFloat(a, "matmul", "first operand"); RequireFloat(b, "matmul", "second operand");
        if (a.Rank == 0 || b.Rank == 0) throw new ArgumentException($"matmul: both operands need at least 1 dim, got {ShapeUtil.Format(a.Dims)} and {ShapeUtil.Format(b.Dims)}");
        if (a.Rank == 1 && b.Rank == 1) return Reshape(Matmul(Reshape(a, 1, -1), Reshape(b, -1, 1)), []);
        if (a.Rank == 1) return Squeeze(Matmul(Unsqueeze(a, 0), b), -2);
        if (b.Rank == 1) return Squeeze(Matmul(a, Unsqueeze(b, 1)), -1);
        return BatchedMatmul(a, b, false, false);
    }

    /// <summary>op(a)·op(b) over broadcast batch dims, where op transposes the last two dims when asked. Records its own backward.</summary>
    internal static Tensor BatchedMatmul(Tensor a, Tensor b, bool transA, bool transB)
    {
        var y = BatchedGemm(a, b, transA, transB);
        return Record("matmul", y, g =>
        [
            // y = A·B: dA = g·Bᵀ, dB = Aᵀ·g (with the transposes folded in). Broadcast batch dims are summed by the engine.
            a.RequiresGrad ? (transA ? BatchedGemm(b, g, transB, true) : BatchedGemm(g, b, false, !transB)) : null,
            b.RequiresGrad ? (transB ? BatchedGemm(g, a, true, transA) : BatchedGemm(a, g, !transA, false)) : null,
        ], a, b);
    }

    /// <summary>The forward computation of a batched matrix product (no graph).</summary>
    internal static Tensor BatchedGemm(Tensor a, Tensor b, bool transA, bool transB)
    {
        int ar = a.Rank, br = b.Rank;
        int m = transA ? a.Dims[ar - 1] : a.Dims[ar - 2], ka = transA ? a.Dims[ar - 2] : a.Dims[ar - 1];
        int kb = transB ? b.Dims[br - 1] : b.Dims[br - 2], n = transB ? b.Dims[br - 2] : b.Dims[br - 1];
        if (ka != kb) throw new ArgumentException($"matmul: inner dims differ: {ShapeUtil.Format(a.Dims)} × {ShapeUtil.Format(b.Dims)} ({ka} vs {kb})");
        var aBatch = a.Dims[..^2]; var bBatch = b.Dims[..^2];
        var batch = ShapeUtil.Broadcast(aBatch, bBatch, "matmul");
        int count = ShapeUtil.Numel(batch);
        var outShape = batch.Concat(new[] { m, n }).ToArray();
        var c = BufferPool.RentZeroed(count * m * n);
        var aSt = ShapeUtil.BroadcastStrides(aBatch, batch); var bSt = ShapeUtil.BroadcastStrides(bBatch, batch);
        var bst = ShapeUtil.Strides(batch);
        int aMat = a.Dims[ar - 2] * a.Dims[ar - 1], bMat = b.Dims[br - 2] * b.Dims[br - 1];
        int lda = a.Dims[ar - 1], ldb = b.Dims[br - 1];
        float[] av = a.F32!, bv = b.F32!;
        void One(int i)
        {
            int rem = i, ao = 0, bo = 0;
            for (int d = 0; d < batch.Length; d++) { int q = rem / bst[d]; rem %= bst[d]; ao += q * aSt[d]; bo += q * bSt[d]; }
            Gemm.Multiply(transA, transB, m, n, ka, 1f, av.AsSpan(ao * aMat), lda, bv.AsSpan(bo * bMat), ldb, 0f, c.AsSpan(i * m * n, m * n), n);
        }
        if (count > 1 && (long)m * n * ka < 64 * 64 * 64 && (long)count * m * n * ka > 1 << 20)
            Parallel.For(0, count, Kernels.Work.Cores, One);
        else
            for (int i = 0; i < count; i++) One(i);
        return new Tensor(outShape, c);
    }

    /// <summary>y = x·Wᵀ + b. x [*, in], weight [out, in], bias [out] → [*, out]. One GEMM forward, two backward.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        RequireFloat(x, "linear");
        if (weight.Rank != 2) throw new ArgumentException($"linear: weight must be [out, in], got {ShapeUtil.Format(weight.Dims)}");
        int outF = weight.Dims[0], inF = weight.Dims[1];
        if (x.Rank == 0 || x.Dims[^1] != inF)
            throw new ArgumentException($"Linear(in_features={inF}): input has {(x.Rank == 0 ? 0 : x.Dims[^1])} features in its last dim (shape {ShapeUtil.Format(x.Dims)})");
        if (bias != null && (bias.Rank != 1 || bias.Dims[0] != outF))
            throw new ArgumentException($"Linear(out_features={outF}): bias must be [{outF}], got {ShapeUtil.Format(bias.Dims)}");
        int rows = x.Numel / Math.Max(1, inF);
        if (inF == 0) rows = ShapeUtil.Numel(x.Dims[..^1]);
        var outShape = x.Dims[..^1].Concat(new[] { outF }).ToArray();
        var y = BufferPool.RentZeroed(rows * outF);
        if (bias != null) for (int r = 0; r < rows; r++) bias.F32!.CopyTo(y, r * outF);
        Gemm.Multiply(false, true, rows, outF, inF, 1f, x.F32!, inF, weight.F32!, inF, bias != null ? 1f : 0f, y, outF);
        var inputs = bias != null ? new[] { x, weight, bias } : new[] { x, weight };
        return Record("linear", new Tensor(outShape, y), g =>
        {
            var gv = g.F32!;
            Tensor? gx = null, gw = null, gb = null;
            if (x.RequiresGrad)
            {
                var dx = BufferPool.RentZeroed(rows * inF);
                Gemm.Multiply(false, false, rows, inF, outF, 1f, gv, outF, weight.F32!, inF, 0f, dx, inF);
                gx = new Tensor(x.Shape, dx);
            }
            if (weight.RequiresGrad)
            {
                var dw = BufferPool.RentZeroed(outF * inF);
                Gemm.Multiply(true, false, outF, inF, rows, 1f, gv, outF, x.F32!, inF, 0f, dw, inF);
                gw = new Tensor(weight.Shape, dw);
            }
            if (bias != null && bias.RequiresGrad)
            {
                var db = BufferPool.RentZeroed(outF);
                Reduce.Sum(gv, db, 1, rows, outF);
                gb = new Tensor([outF], db);
            }
            return bias != null ? [gx, gw, gb] : [gx, gw];
        }, inputs);
    }

    /// <summary>y_k = x1ᵀ W_k x2 + b_k. x1 [*, in1], x2 [*, in2], weight [out, in1, in2] → [*, out]. Composed from matmuls.</summary>
    public static Tensor Bilinear(Tensor x1, Tensor x2, Tensor weight, Tensor? bias = null)
    {
        if (weight.Rank != 3) throw new ArgumentException($"bilinear: weight must be [out, in1, in2], got {ShapeUtil.Format(weight.Dims)}");
        int o = weight.Dims[0], i1 = weight.Dims[1], i2 = weight.Dims[2];
        if (x1.Rank == 0 || x1.Dims[^1] != i1) throw new ArgumentException($"Bilinear(in1_features={i1}): x1 has shape {ShapeUtil.Format(x1.Dims)}");
        if (x2.Rank == 0 || x2.Dims[^1] != i2) throw new ArgumentException($"Bilinear(in2_features={i2}): x2 has shape {ShapeUtil.Format(x2.Dims)}");
        if (!ShapeUtil.SameShape(x1.Dims[..^1], x2.Dims[..^1])) throw new ArgumentException($"Bilinear: x1 {ShapeUtil.Format(x1.Dims)} and x2 {ShapeUtil.Format(x2.Dims)} have different leading dims");
        var lead = x1.Dims[..^1];
        var a = Reshape(x1, -1, i1);                                           // [N, in1]
        var b = Reshape(x2, -1, i2);                                           // [N, in2]
        var t = Matmul(a, Reshape(Permute(weight, 1, 0, 2), i1, o * i2));      // [N, out*in2]
        var y = Sum(Mul(Reshape(t, -1, o, i2), Unsqueeze(b, 1)), 2);           // [N, out]
        if (bias != null) y = Add(y, bias);
        return Reshape(y, lead.Concat(new[] { o }).ToArray());
    }
}
