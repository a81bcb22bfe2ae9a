namespace Tessera;

public static partial class F
{
    /// <summary>Same values, new shape (one −1 is inferred). A free view: storage is shared.</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var target = ShapeUtil.Infer(shape, x.Numel, "reshape");
        var y = x.WithShape(target, false);
        if (x.DType != DType.Float32) return y;
        var src = x.Shape;
        return Record("reshape", y, g => [g.WithShape(src, false)], x);
    }

    /// <summary>Inserts a size-1 dim at <paramref name="dim"/>.</summary>
    public static Tensor Unsqueeze(Tensor x, int dim)
    {
        int d = ShapeUtil.Dim(dim, x.Rank + 1, "unsqueeze");
        var s = x.Shape.ToList(); s.Insert(d, 1);
        return Reshape(x, s.ToArray());
    }

    /// <summary>Removes the size-1 dim at <paramref name="dim"/> (no change when it is not 1).</summary>
    public static Tensor Squeeze(Tensor x, int dim)
    {
        int d = ShapeUtil.Dim(dim, x.Rank, "squeeze");
        if (x.Dims[d] != 1) return x;
        var s = x.Shape.ToList(); s.RemoveAt(d);
        return Reshape(x, s.ToArray());
    }

    /// <summary>Merges dims start..end into one (torch.flatten).</summary>
    public static Tensor Flatten(Tensor x, int startDim = 0, int endDim = -1)
    {
        if (x.Rank == 0) return Reshape(x, 1);
        int s = ShapeUtil.Dim(startDim, x.Rank, "flatten"), e = ShapeUtil.Dim(endDim, x.Rank, "flatten");
        if (s > e) throw new ArgumentException($"flatten: start_dim {startDim} comes after end_dim {endDim}");
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(x.Dims[i]);
        int m = 1; for (int i = s; i <= e; i++) m *= x.Dims[i];
        shape.Add(m);
        for (int i = e + 1; i < x.Rank; i++) shape.Add(x.Dims[i]);
        return Reshape(x, shape.ToArray());
    }

    /// <summary>Reorders dims: output dim i is input dim <paramref name="dims"/>[i].</summary>
    public static Tensor Permute(Tensor x, params int[] dims)
    {
        if (dims.Length != x.Rank) throw new ArgumentException($"permute: {dims.Length} dims given for a tensor of rank {x.Rank}");
        var p = dims.Select(d => ShapeUtil.Dim(d, x.Rank, "permute")).ToArray();
        if (p.Distinct().Count() != p.Length) throw new ArgumentException($"permute: dims [{string.Join(", ", dims)}] repeat a dim");
        var y = PermuteValues(x, p);
        if (x.DType != DType.Float32) return y;
        var inv = new int[p.Length];
        for (int i = 0; i < p.Length; i++) inv[p[i]] = i;
        return Record("permute", y, g => [Permute(g, inv)], x);
    }

    /// <summary>Swaps two dims.</summary>
    public static Tensor Transpose(Tensor x, int dim0, int dim1)
    {
        var p = Enumerable.Range(0, x.Rank).ToArray();
        int a = ShapeUtil.Dim(dim0, x.Rank, "transpose"), b = ShapeUtil.Dim(dim1, x.Rank, "transpose");
        (p[a], p[b]) = (p[b], p[a]);
        return Permute(x, p);
    }

    private static Tensor PermuteValues(Tensor x, int[] p)
    {
        int r = x.Rank;
        var outShape = p.Select(d => x.Dims[d]).ToArray();
        bool identity = true; for (int i = 0; i < r; i++) if (p[i] != i) identity = false;
        if (identity) return x.Clone();
        var inStrides = ShapeUtil.Strides(x.Dims);
        var st = p.Select(d => inStrides[d]).ToArray(); // input stride for each output dim
        int n = x.Numel;
        int[] src = new int[n];
        if (n > 0)
        {
            var idx = new int[r]; int off = 0;
            int last = r - 1, lastN = outShape[last], lastS = st[last];
            for (int o = 0; o < n; o += lastN)
            {
                for (int j = 0; j < lastN; j++) src[o + j] = off + j * lastS;
                for (int d = last - 1; d >= 0; d--)
                {
                    idx[d]++; off += st[d];
                    if (idx[d] < outShape[d]) break;
                    off -= st[d] * outShape[d]; idx[d] = 0;
                }
            }
        }
        switch (x.DType)
        {
            case DType.Float32: { var a = x.F32!; var o = BufferPool.RentZeroed(n); for (int i = 0; i < n; i++) o[i] = a[src[i]]; return new Tensor(outShape, o); }
            case DType.Int64: { var a = x.I64!; var o = new long[n]; for (int i = 0; i < n; i++) o[i] = a[src[i]]; return new Tensor(outShape, o); }
            default: { var a = x.B8!; var o = new bool[n]; for (int i = 0; i < n; i++) o[i] = a[src[i]]; return new Tensor(outShape, o); }
        }
    }

    /// <summary>The slice start..start+length of one dim (a copy).</summary>
    public static Tensor Narrow(Tensor x, int dim, int start, int length)
    {
        RequireFloat(x, "narrow");
        int d = ShapeUtil.Dim(dim, x.Rank, "narrow");
        if (start < 0) start += x.Dims[d];
        if (start < 0 || length < 0 || start + length > x.Dims[d])
            throw new ArgumentOutOfRangeException(nameof(start), $"narrow: range {start}..{start + length} is outside dim {dim} of size {x.Dims[d]} (shape {ShapeUtil.Format(x.Dims)})");
        int outer = 1, inner = 1; for (int i = 0; i < d; i++) outer *= x.Dims[i]; for (int i = d + 1; i < x.Rank; i++) inner *= x.Dims[i];
        int n = x.Dims[d];
        var shape = x.Shape; shape[d] = length;
        var o = BufferPool.RentZeroed(outer * length * inner);
        var src = x.F32!;
        for (int i = 0; i < outer; i++) Array.Copy(src, (i * n + start) * inner, o, i * length * inner, length * inner);
        return Record("narrow", new Tensor(shape, o), g =>
        {
            var gx = BufferPool.RentZeroed(x.Numel); var gv = g.F32!;
            for (int i = 0; i < outer; i++) Array.Copy(gv, i * length * inner, gx, (i * n + start) * inner, length * inner);
            return [new Tensor(x.Shape, gx)];
        }, x);
    }

    /// <summary>Joins tensors along an existing dim; all other dims must match.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> xs, int dim = 0)
    {
        if (xs.Count == 0) throw new ArgumentException("cat: needs at least one tensor");
        var first = xs[0];
        int d = ShapeUtil.Dim(dim, first.Rank, "cat");
        int total = 0;
        foreach (var t in xs)
        {
            RequireFloat(t, "cat");
            if (t.Rank != first.Rank) throw new ArgumentException($"cat: tensors have ranks {first.Rank} and {t.Rank} ({ShapeUtil.Format(first.Dims)} vs {ShapeUtil.Format(t.Dims)})");
            for (int i = 0; i < t.Rank; i++)
                if (i != d && t.Dims[i] != first.Dims[i])
                    throw new ArgumentException($"cat: shapes {ShapeUtil.Format(first.Dims)} and {ShapeUtil.Format(t.Dims)} differ outside dim {dim}");
            total += t.Dims[d];
        }
        int outer = 1, inner = 1; for (int i = 0; i < d; i++) outer *= first.Dims[i]; for (int i = d + 1; i < first.Rank; i++) inner *= first.Dims[i];
        var shape = first.Shape; shape[d] = total;
        var o = BufferPool.RentZeroed(outer * total * inner);
        int offset = 0;
        foreach (var t in xs)
        {
            int n = t.Dims[d];
            for (int i = 0; i < outer; i++) Array.Copy(t.F32!, i * n * inner, o, (i * total + offset) * inner, n * inner);
            offset += n;
        }
        var inputs = xs.ToArray();
        return Record("cat", new Tensor(shape, o), g =>
        {
            var grads = new Tensor?[inputs.Length]; int off = 0;
            for (int k = 0; k < inputs.Length; k++)
            {
                int n = inputs[k].Dims[d];
                if (inputs[k].RequiresGrad) grads[k] = Narrow(g, d, off, n);
                off += n;
            }
            return grads;
        }, inputs);
    }

    /// <summary>Joins same-shape tensors along a new dim.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> xs, int dim = 0)
    {
        if (xs.Count == 0) throw new ArgumentException("stack: needs at least one tensor");
        int d = ShapeUtil.Dim(dim, xs[0].Rank + 1, "stack");
        foreach (var t in xs)
            if (!ShapeUtil.SameShape(t.Dims, xs[0].Dims)) throw new ArgumentException($"stack: shapes {ShapeUtil.Format(xs[0].Dims)} and {ShapeUtil.Format(t.Dims)} differ");
        return Cat(xs.Select(t => Unsqueeze(t, d)).ToList(), d);
    }

    /// <summary>Splits into pieces of <paramref name="size"/> along a dim (the last may be smaller).</summary>
    public static Tensor[] Split(Tensor x, int size, int dim = 0)
    {
        if (size <= 0) throw new ArgumentException($"split: size must be positive, got {size}");
        int d = ShapeUtil.Dim(dim, x.Rank, "split"); int n = x.Dims[d];
        var parts = new List<Tensor>();
        for (int s = 0; s < n; s += size) parts.Add(Narrow(x, d, s, Math.Min(size, n - s)));
        return parts.ToArray();
    }

    /// <summary>Splits into <paramref name="chunks"/> nearly equal pieces along a dim.</summary>
    public static Tensor[] Chunk(Tensor x, int chunks, int dim = 0)
    {
        int d = ShapeUtil.Dim(dim, x.Rank, "chunk");
        return Split(x, (x.Dims[d] + chunks - 1) / chunks, d);
    }

    /// <summary>Rows of x along <paramref name="dim"/> picked by int64 <paramref name="index"/> (1-d); the gradient is added back per index.</summary>
    public static Tensor IndexSelect(Tensor x, int dim, Tensor index)
    {
        RequireFloat(x, "index_select");
        if (index.DType != DType.Int64 || index.Rank != 1) throw new ArgumentException($"index_select: index must be a 1-d int64 tensor, got {DTypes.Name(index.DType)} {ShapeUtil.Format(index.Dims)}");
        int d = ShapeUtil.Dim(dim, x.Rank, "index_select");
        int outer = 1, inner = 1; for (int i = 0; i < d; i++) outer *= x.Dims[i]; for (int i = d + 1; i < x.Rank; i++) inner *= x.Dims[i];
        int n = x.Dims[d]; var idx = index.I64!; int m = idx.Length;
        foreach (var v in idx) if (v < 0 || v >= n) throw new ArgumentOutOfRangeException(nameof(index), $"index_select: index {v} is out of range for dim {dim} of size {n}");
        var shape = x.Shape; shape[d] = m;
        var o = BufferPool.RentZeroed(outer * m * inner); var src = x.F32!;
        for (int i = 0; i < outer; i++) for (int j = 0; j < m; j++) Array.Copy(src, (i * n + (int)idx[j]) * inner, o, (i * m + j) * inner, inner);
        return Record("index_select", new Tensor(shape, o), g =>
        {
            var gx = BufferPool.RentZeroed(x.Numel); var gv = g.F32!;
            for (int i = 0; i < outer; i++) for (int j = 0; j < m; j++)
                System.Numerics.Tensors.TensorPrimitives.Add(gx.AsSpan((i * n + (int)idx[j]) * inner, inner), gv.AsSpan((i * m + j) * inner, inner), gx.AsSpan((i * n + (int)idx[j]) * inner, inner));
            return [new Tensor(x.Shape, gx)];
        }, x);
    }

    /// <summary>torch.gather: out[i][j][k] = x[i][index[i][j][k]][k] for dim 1 (and likewise for any dim).</summary>
    public static Tensor Gather(Tensor x, int dim, Tensor index)
    {
        RequireFloat(x, "gather");
        if (index.DType != DType.Int64 || index.Rank != x.Rank) throw new ArgumentException($"gather: index must be int64 with the input's rank {x.Rank}, got {DTypes.Name(index.DType)} {ShapeUtil.Format(index.Dims)}");
        int d = ShapeUtil.Dim(dim, x.Rank, "gather");
        var map = GatherOffsets(x.Dims, d, index, "gather");
        var src = x.F32!; var o = BufferPool.RentZeroed(map.Length);
        for (int i = 0; i < o.Length; i++) o[i] = src[map[i]];
        return Record("gather", new Tensor(index.Shape, o), g =>
        {
            var gx = BufferPool.RentZeroed(x.Numel); var gv = g.F32!;
            for (int i = 0; i < map.Length; i++) gx[map[i]] += gv[i];
            return [new Tensor(x.Shape, gx)];
        }, x);
    }

    /// <summary>torch.scatter_add: a copy of x with src values added at positions given by index along dim.</summary>
    public static Tensor ScatterAdd(Tensor x, int dim, Tensor index, Tensor src)
    {
        RequireFloat(x, "scatter_add"); RequireFloat(src, "scatter_add", "src");
        if (index.DType != DType.Int64 || index.Rank != x.Rank || !ShapeUtil.SameShape(index.Dims, src.Dims))
            throw new ArgumentException($"scatter_add: index (int64) and src must share a shape of the input's rank; got index {ShapeUtil.Format(index.Dims)}, src {ShapeUtil.Format(src.Dims)}, input {ShapeUtil.Format(x.Dims)}");
        int d = ShapeUtil.Dim(dim, x.Rank, "scatter_add");
        var map = GatherOffsets(x.Dims, d, index, "scatter_add");
        var o = (float[])x.F32!.Clone(); var sv = src.F32!;
        for (int i = 0; i < map.Length; i++) o[map[i]] += sv[i];
        return Record("scatter_add", new Tensor(x.Shape, o), g =>
        {
            Tensor? gs = null;
            if (src.RequiresGrad) { var gv = g.F32!; var a = BufferPool.RentZeroed(map.Length); for (int i = 0; i < a.Length; i++) a[i] = gv[map[i]]; gs = new Tensor(src.Shape, a); }
            return [g, gs];
        }, x, src);
    }

    /// <summary>For each element of index (row-major), the flat offset into a tensor of shape <paramref name="shape"/> it addresses along dim d.</summary>
    private static int[] GatherOffsets(int[] shape, int d, Tensor index, string op)
    {
        var ist = ShapeUtil.Strides(index.Dims); var xst = ShapeUtil.Strides(shape);
        var idx = index.I64!; var map = new int[idx.Length];
        for (int i = 0; i < idx.Length; i++)
        {
            int rem = i, off = 0;
            for (int k = 0; k < shape.Length; k++)
            {
                int c = rem / ist[k]; rem %= ist[k];
                if (k == d)
                {
                    long v = idx[i];
                    if (v < 0 || v >= shape[d]) throw new ArgumentOutOfRangeException(nameof(index), $"{op}: index {v} is out of range for dim {d} of size {shape[d]}");
                    c = (int)v;
                }
                else if (c >= shape[k]) throw new ArgumentException($"{op}: index shape {ShapeUtil.Format(index.Dims)} exceeds input shape {ShapeUtil.Format(shape)} at dim {k}");
                off += c * xst[k];
            }
            map[i] = off;
        }
        return map;
    }
}
