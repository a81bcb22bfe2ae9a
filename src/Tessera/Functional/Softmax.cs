using System.Numerics.Tensors;

namespace Tessera;

public static partial class F
{
    /// <summary>e^{x_i − max} / Σ e^{x_j − max} along <paramref name="dim"/> (stable for large |x|).</summary>
    public static Tensor Softmax(Tensor x, int dim) => SoftmaxCore(x, dim, log: false);

    /// <summary>x_i − max − log Σ e^{x_j − max} along <paramref name="dim"/>; finite for rows like [80, −60].</summary>
    public static Tensor LogSoftmax(Tensor x, int dim) => SoftmaxCore(x, dim, log: true);

    private static Tensor SoftmaxCore(Tensor x, int dim, bool log)
    {
        string name = log ? "log_softmax" : "softmax";
        RequireFloat(x, name);
        if (x.Rank == 0) x = Reshape(x, 1);
        int d = ShapeUtil.Dim(dim, x.Rank, name);
        var (outer, n, inner) = Split3(x.Dims, d);
        var y = BufferPool.RentZeroed(x.Numel);
        SoftmaxRows(x.F32!, y, outer, n, inner, log);
        return Record(name, new Tensor(x.Shape, y), g =>
        {
            var gv = g.F32!; var gx = BufferPool.RentZeroed(y.Length);
            SoftmaxBackwardRows(y, gv, gx, outer, n, inner, log);
            return [new Tensor(x.Shape, gx)];
        }, x);
    }

    internal static (int Outer, int N, int Inner) Split3(int[] dims, int d)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= dims[i];
        for (int i = d + 1; i < dims.Length; i++) inner *= dims[i];
        return (outer, dims[d], inner);
    }

    /// <summary>Softmax or log-softmax of every [outer, ·, inner] fibre of length n.</summary>
    internal static void SoftmaxRows(float[] x, float[] y, int outer, int n, int inner, bool log)
    {
        if (inner == 1)
        {
            for (int i = 0; i < outer; i++)
            {
                var src = x.AsSpan(i * n, n); var dst = y.AsSpan(i * n, n);
                float max = TensorPrimitives.Max(src);
                if (float.IsNegativeInfinity(max)) max = 0;
                TensorPrimitives.Subtract(src, max, dst);
                if (log)
                {
                    // log Σ e^{x−max}: the exponentials go to a scratch row (SIMD), not one Math.Exp call per element.
                    var tmp = System.Buffers.ArrayPool<float>.Shared.Rent(n);
                    TensorPrimitives.Exp(dst, tmp.AsSpan(0, n));
                    float s = TensorPrimitives.Sum(tmp.AsSpan(0, n));
                    System.Buffers.ArrayPool<float>.Shared.Return(tmp);
                    TensorPrimitives.Subtract(dst, MathF.Log(s), dst);
                }
                else
                {
                    TensorPrimitives.Exp(dst, dst);
                    float s = TensorPrimitives.Sum(dst);
                    TensorPrimitives.Divide(dst, s, dst);
                }
            }
            return;
        }
        var buf = BufferPool.RentZeroed(n);
        for (int i = 0; i < outer; i++)
            for (int k = 0; k < inner; k++)
            {
                int b = i * n * inner + k;
                for (int j = 0; j < n; j++) buf[j] = x[b + j * inner];
                SoftmaxRows(buf, buf, 1, n, 1, log);
                for (int j = 0; j < n; j++) y[b + j * inner] = buf[j];
            }
    }

    /// <summary>Softmax: dx = y ⊙ (g − Σ g⊙y). Log-softmax: dx = g − eʸ Σ g.</summary>
    internal static void SoftmaxBackwardRows(float[] y, float[] g, float[] dx, int outer, int n, int inner, bool log)
    {
        if (inner == 1)
        {
            for (int i = 0; i < outer; i++)
            {
                var yr = y.AsSpan(i * n, n); var gr = g.AsSpan(i * n, n); var dr = dx.AsSpan(i * n, n);
                if (log) { float s = TensorPrimitives.Sum(gr); TensorPrimitives.Exp(yr, dr); TensorPrimitives.MultiplyAdd(dr, -s, gr, dr); }
                else { float s = TensorPrimitives.Dot(gr, yr); TensorPrimitives.Subtract(gr, s, dr); TensorPrimitives.Multiply(dr, yr, dr); }
            }
            return;
        }
        for (int i = 0; i < outer; i++)
            for (int k = 0; k < inner; k++)
            {
                int b = i * n * inner + k;
                double s = 0;
                for (int j = 0; j < n; j++) { int p = b + j * inner; s += log ? g[p] : g[p] * y[p]; }
                for (int j = 0; j < n; j++)
                {
                    int p = b + j * inner;
                    dx[p] = log ? g[p] - MathF.Exp(y[p]) * (float)s : y[p] * (g[p] - (float)s);
                }
            }
    }

    /// <summary>Rows of <paramref name="weight"/> [num, dim] picked by int64 indices of any shape → [*indices, dim]. The padding row gets no gradient.</summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, int? paddingIdx = null)
    {
        if (indices.DType != DType.Int64) throw new ArgumentException($"Embedding: indices must be int64, got {DTypes.Name(indices.DType)}");
        if (weight.Rank != 2) throw new ArgumentException($"Embedding: weight must be [num_embeddings, embedding_dim], got {ShapeUtil.Format(weight.Dims)}");
        int num = weight.Dims[0], dim = weight.Dims[1];
        var idx = indices.I64!;
        foreach (var v in idx)
            if (v < 0 || v >= num) throw new ArgumentOutOfRangeException(nameof(indices), $"Embedding(num_embeddings={num}): index {v} is out of range");
        var w = weight.F32!; var y = BufferPool.RentZeroed(idx.Length * dim);
        for (int i = 0; i < idx.Length; i++) Array.Copy(w, idx[i] * dim, y, i * dim, dim);
        var shape = indices.Dims.Concat(new[] { dim }).ToArray();
        return Record("embedding", new Tensor(shape, y), g =>
        {
            var gv = g.F32!; var gw = BufferPool.RentZeroed(w.Length);
            for (int i = 0; i < idx.Length; i++)
            {
                if (paddingIdx is int p && idx[i] == p) continue;
                var dst = gw.AsSpan((int)idx[i] * dim, dim);
                TensorPrimitives.Add(dst, gv.AsSpan(i * dim, dim), dst);
            }
            return [null, new Tensor(weight.Shape, gw)];
        }, indices, weight);
    }
}
