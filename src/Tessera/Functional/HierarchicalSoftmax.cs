namespace Tessera;

/// <summary>
/// The root-to-leaf paths of a binary tree over C classes with C − 1 internal nodes: for class c, the internal nodes
/// passed and the branch taken at each (+1 = left child, −1 = right child), root first.
/// </summary>
public sealed class TreePaths
{
    public int NumClasses { get; }
    public int[][] Nodes { get; }
    public float[][] Signs { get; }

    public TreePaths(int[][] nodes, float[][] signs)
    {
        NumClasses = nodes.Length; Nodes = nodes; Signs = signs;
    }
}

public static partial class F
{
    /// <summary>
    /// Tree-factored log-probabilities (Morin &amp; Bengio 2005): logp[n, c] = Σ over the path of c of log σ(sign · z[n, node]).
    /// z [N, C − 1] (one logit per internal node) → logp [N, C]; every row sums to 1 in probability.
    /// </summary>
    public static Tensor TreeLogProbs(Tensor z, TreePaths paths)
    {
        const string op = "HierarchicalSoftmax";
        RequireFloat(z, op, "z");
        int c = paths.NumClasses;
        if (z.Rank != 2 || z.Dims[1] != c - 1) throw new ArgumentException($"{op}(num_classes={c}): node logits must be [N, {c - 1}], got {ShapeUtil.Format(z.Dims)}");
        int n = z.Dims[0], m = c - 1;
        var zv = z.F32!;
        var lp = BufferPool.RentZeroed(n * c);
        for (int r = 0; r < n; r++)
            for (int k = 0; k < c; k++)
            {
                double s = 0;
                var nodes = paths.Nodes[k]; var signs = paths.Signs[k];
                for (int p = 0; p < nodes.Length; p++) s += LogSigmoidValue(signs[p] * zv[r * m + nodes[p]]);
                lp[r * c + k] = (float)s;
            }
        return Record("tree_log_probs", new Tensor([n, c], lp), g =>
        {
            // d/dz log σ(s·z) = s·σ(−s·z).
            var gv = g.F32!; var dz = BufferPool.RentZeroed(zv.Length);
            for (int r = 0; r < n; r++)
                for (int k = 0; k < c; k++)
                {
                    float gk = gv[r * c + k];
                    if (gk == 0) continue;
                    var nodes = paths.Nodes[k]; var signs = paths.Signs[k];
                    for (int p = 0; p < nodes.Length; p++)
                    {
                        int at = r * m + nodes[p];
                        dz[at] += gk * signs[p] * SigmoidValue(-signs[p] * zv[at]);
                    }
                }
            return [new Tensor(z.Shape, dz)];
        }, z);
    }

    /// <summary>
    /// log p(target | h) of a hierarchical softmax computing only the O(log C) nodes on each target's path (the point of
    /// the method: word2vec's training cost). h [N, in], weight [C − 1, in], bias [C − 1] or null, target int64 [N] → [N].
    /// </summary>
    public static Tensor TreeTargetLogProb(Tensor h, Tensor weight, Tensor? bias, Tensor target, TreePaths paths)
    {
        const string op = "HierarchicalSoftmax";
        RequireFloat(h, op, "h");
        int c = paths.NumClasses, inF = weight.Dims[1];
        if (h.Rank != 2 || h.Dims[1] != inF) throw new ArgumentException($"{op}(in_features={inF}): h must be [N, {inF}], got {ShapeUtil.Format(h.Dims)}");
        if (target.DType != DType.Int64 || target.Rank != 1 || target.Dims[0] != h.Dims[0])
            throw new ArgumentException($"{op}: target must be int64 [N] = [{h.Dims[0]}], got {DTypes.Name(target.DType)} {ShapeUtil.Format(target.Dims)}");
        int n = h.Dims[0];
        var hv = h.F32!; var wv = weight.F32!; var bv = bias?.F32; var t = target.I64!;
        foreach (var k in t) if (k < 0 || k >= c) throw new ArgumentOutOfRangeException(nameof(target), $"{op}(num_classes={c}): target {k} is out of range");
        var outv = BufferPool.RentZeroed(n);
        var zs = new float[n][];
        for (int r = 0; r < n; r++)
        {
            var nodes = paths.Nodes[t[r]]; var signs = paths.Signs[t[r]];
            zs[r] = BufferPool.RentZeroed(nodes.Length);
            double s = 0;
            for (int p = 0; p < nodes.Length; p++)
            {
                float z = System.Numerics.Tensors.TensorPrimitives.Dot(hv.AsSpan(r * inF, inF), wv.AsSpan(nodes[p] * inF, inF)) + (bv?[nodes[p]] ?? 0);
                zs[r][p] = z;
                s += LogSigmoidValue(signs[p] * z);
            }
            outv[r] = (float)s;
        }
        var inputs = bias != null ? new[] { h, weight, bias } : new[] { h, weight };
        return Record("tree_target_log_prob", new Tensor([n], outv), g =>
        {
            var gv = g.F32!;
            var dh = BufferPool.RentZeroed(hv.Length); var dw = BufferPool.RentZeroed(wv.Length); var db = bias != null ? BufferPool.RentZeroed(bias.Numel) : null;
            for (int r = 0; r < n; r++)
            {
                var nodes = paths.Nodes[t[r]]; var signs = paths.Signs[t[r]];
                for (int p = 0; p < nodes.Length; p++)
                {
                    float coef = gv[r] * signs[p] * SigmoidValue(-signs[p] * zs[r][p]);
                    var hr = hv.AsSpan(r * inF, inF); var wr = wv.AsSpan(nodes[p] * inF, inF);
                    var dhr = dh.AsSpan(r * inF, inF); var dwr = dw.AsSpan(nodes[p] * inF, inF);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(wr, coef, dhr, dhr);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(hr, coef, dwr, dwr);
                    if (db != null) db[nodes[p]] += coef;
                }
            }
            var grads = new List<Tensor?> { new Tensor(h.Shape, dh), new Tensor(weight.Shape, dw) };
            if (bias != null) grads.Add(new Tensor(bias.Shape, db!));
            return grads.ToArray();
        }, inputs);
    }
}
