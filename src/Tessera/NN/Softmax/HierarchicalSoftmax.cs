namespace Tessera.NN;

/// <summary>
/// Hierarchical softmax (Goodman 2001; Morin &amp; Bengio 2005; word2vec): classes are the leaves of a binary tree with
/// C − 1 internal nodes, and log p(c | h) = Σ over the root→leaf(c) path of log σ(±(w_m · h + b_m)), + when the path
/// turns left at node m. weight [C − 1, in_features], bias [C − 1] (row m = internal node m). Trees: "complete" (heap
/// layout) or "huffman" over class counts (frequent classes get short paths). Forward(h [N, in], target int64 [N]) →
/// (logp_target [N], logp [N, C]); <see cref="TargetLogProb"/> computes only the target's path, O(log C).
/// Initialisation: weight ~ U(−1/√in, 1/√in), bias = 0 (every branch starts at probability ½).
/// </summary>
public sealed class HierarchicalSoftmax : Module
{
    public int InFeatures { get; }
    public int NumClasses { get; }
    public string Tree { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public TreePaths Paths { get; }

    public HierarchicalSoftmax(int inFeatures, int numClasses, string tree = "complete", IReadOnlyList<long>? counts = null)
    {
        string me = $"HierarchicalSoftmax(num_classes={numClasses}, tree={tree})";
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), $"{me}: needs at least 2 classes");
        if (inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), $"{me}: in_features must be positive, got {inFeatures}");
        var children = tree switch
        {
            "complete" => counts == null ? ClassTree.Complete(numClasses) : throw new ArgumentException($"{me}: counts are only used by the huffman tree"),
            "huffman" => counts != null && counts.Count == numClasses && counts.All(c => c > 0)
                ? ClassTree.Huffman(counts) : throw new ArgumentException($"{me}: the huffman tree needs {numClasses} positive counts, got {(counts == null ? "none" : $"{counts.Count}")}"),
            _ => throw new ArgumentException($"{me}: tree must be \"complete\" or \"huffman\""),
        };
        InFeatures = inFeatures; NumClasses = numClasses; Tree = tree;
        Paths = ClassTree.Paths(children, numClasses);
        double b = 1 / Math.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Init.Uniform(Tensor.Empty(numClasses - 1, inFeatures), -b, b));
        Bias = RegisterParameter("bias", Tensor.Zeros(numClasses - 1));
    }

    /// <summary>(log p(target) [N], log p of every class [N, C]).</summary>
    public (Tensor LogpTarget, Tensor Logp) Forward(Tensor h, Tensor target)
    {
        CheckInput(h);
        var logp = F.TreeLogProbs(F.Linear(h, Weight, Bias), Paths);
        if (target.DType != DType.Int64 || target.Rank != 1 || target.Dims[0] != h.Dims[0])
            throw new ArgumentException($"{Name}(num_classes={NumClasses}): target must be int64 [N] = [{h.Dims[0]}], got {DTypes.Name(target.DType)} {ShapeUtil.Format(target.Dims)}");
        return (F.Squeeze(F.Gather(logp, 1, F.Reshape(target, -1, 1)), 1), logp);
    }

    /// <summary>log p(target | h) [N] from the target's path only (for training: cost O(log C · in) per example).</summary>
    public Tensor TargetLogProb(Tensor h, Tensor target)
    {
        CheckInput(h);
        return F.TreeTargetLogProb(h, Weight, Bias, target, Paths);
    }

    private void CheckInput(Tensor h)
    {
        if (h.Rank != 2 || h.Dims[1] != InFeatures)
            throw new ArgumentException($"{Name}(in_features={InFeatures}, num_classes={NumClasses}): h must be [N, {InFeatures}], got {ShapeUtil.Format(h.Dims)}");
    }

    public override string ExtraRepr() => $"in_features={InFeatures}, num_classes={NumClasses}, tree={Tree}";
}

/// <summary>Binary class trees for <see cref="HierarchicalSoftmax"/>: children of each internal node as (is leaf, index) pairs, left first.</summary>
public static class ClassTree
{
    /// <summary>Heap layout: internal nodes 0..C−2 (root 0), class c is node C−1+c, node m's children are 2m+1 (left) and 2m+2.</summary>
    public static (bool Leaf, int Index)[][] Complete(int numClasses)
    {
        (bool, int) Ref(int m) => m < numClasses - 1 ? (false, m) : (true, m - (numClasses - 1));
        return Enumerable.Range(0, numClasses - 1).Select(m => new[] { Ref(2 * m + 1), Ref(2 * m + 2) }).ToArray();
    }

    /// <summary>
    /// Huffman tree: items carry keys (count, order), leaf c = (counts[c], c). Step k = 0..C−2 removes the smallest key
    /// a, then the next smallest b, and creates internal node k = (left a, right b) with count(a) + count(b) and order
    /// C + k. Ties go to the lower order (leaves before internal nodes, lower class first). The root is node C − 2.
    /// </summary>
    public static (bool Leaf, int Index)[][] Huffman(IReadOnlyList<long> counts)
    {
        int c = counts.Count;
        var queue = new PriorityQueue<(bool Leaf, int Index, long Count), (long Count, int Order)>();
        for (int i = 0; i < c; i++) queue.Enqueue((true, i, counts[i]), (counts[i], i));
        var children = new (bool, int)[c - 1][];
        for (int k = 0; k < c - 1; k++)
        {
            var a = queue.Dequeue(); var b = queue.Dequeue();
            children[k] = [(a.Leaf, a.Index), (b.Leaf, b.Index)];
            queue.Enqueue((false, k, a.Count + b.Count), (a.Count + b.Count, c + k));
        }
        return children;
    }

    /// <summary>Root-to-leaf paths (explicit stack, no recursion). The root is the one internal node no other node points to.</summary>
    public static TreePaths Paths((bool Leaf, int Index)[][] children, int numClasses)
    {
        var referenced = new bool[children.Length];
        foreach (var ch in children) foreach (var (leaf, idx) in ch) if (!leaf) referenced[idx] = true;
        int root = Array.IndexOf(referenced, false);
        var nodes = new int[numClasses][]; var signs = new float[numClasses][];
        var stack = new Stack<(int Node, List<(int, float)> Path)>();
        stack.Push((root, []));
        while (stack.Count > 0)
        {
            var (node, path) = stack.Pop();
            for (int side = 0; side < 2; side++)
            {
                var next = new List<(int, float)>(path) { (node, side == 0 ? 1f : -1f) };
                var (leaf, idx) = children[node][side];
                if (leaf) { nodes[idx] = next.Select(p => p.Item1).ToArray(); signs[idx] = next.Select(p => p.Item2).ToArray(); }
                else stack.Push((idx, next));
            }
        }
        for (int cls = 0; cls < numClasses; cls++)
            if (nodes[cls] == null) throw new ArgumentException($"ClassTree: class {cls} is not a leaf of the tree");
        return new TreePaths(nodes, signs);
    }
}
