namespace Tessera.NN;

/// <summary>
/// Recursive neural network over a binary tree (Socher et al. 2011): one shared composition, applied bottom-up, turns the
/// vectors of two children into their parent's, node = tanh(weight·[left; right] + bias), so a phrase or expression of any
/// shape maps to a fixed-size vector at the root. leaves [L, d]; tree int64 [L − 1, 2], row j = (left, right) children of
/// internal node j, index i &lt; L a leaf, i ≥ L internal node i − L (an earlier row); the last row is the root
/// → root [d], nodes [L − 1, d]. Parameters weight [d, 2d] (the left child multiplies weight[:, :d]), bias [d].
/// </summary>
public sealed class RecursiveNN : Module
{
    public int Dim { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public RecursiveNN(int dim)
    {
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), $"RecursiveNN: dim must be positive, got {dim}");
        Dim = dim;
        Weight = RegisterParameter("weight", Tensor.Empty(dim, 2 * dim));
        Bias = RegisterParameter("bias", Tensor.Empty(dim));
        ResetParameters();
    }

    /// <summary>U(−1/√(2d), 1/√(2d)) for weight and bias (the bound of a PyTorch Linear with 2d inputs).</summary>
    public void ResetParameters()
    {
        double k = 1 / Math.Sqrt(2 * Dim);
        Init.Uniform(Weight, -k, k); Init.Uniform(Bias, -k, k);
    }

    public (Tensor Root, Tensor Nodes) Forward(Tensor leaves, Tensor tree)
    {
        int L = CheckTree(leaves, tree);
        var children = tree.LongData;
        var leafVectors = F.Unbind(leaves, 0);
        var nodes = new List<Tensor>(L - 1);
        Tensor Vector(long i) => i < L ? leafVectors[i] : nodes[(int)(i - L)];
        for (int j = 0; j < L - 1; j++)
        {
            var both = F.Cat([Vector(children[2 * j]), Vector(children[2 * j + 1])], 0);
            nodes.Add(F.Tanh(F.Linear(both, Weight, Bias)));
        }
        return (nodes[^1], F.Stack(nodes, 0));
    }

    /// <summary>Checks shapes and that the rows form one proper tree (each child an earlier node, used once); returns L.</summary>
    private int CheckTree(Tensor leaves, Tensor tree)
    {
        string me = $"RecursiveNN(dim={Dim})";
        if (leaves.DType != DType.Float32 || leaves.Rank != 2 || leaves.Dims[1] != Dim)
            throw new ArgumentException($"{me}: leaves must be float32 [L, {Dim}], got {DTypes.Name(leaves.DType)} {ShapeUtil.Format(leaves.Dims)}");
        int L = leaves.Dims[0];
        if (L < 2) throw new ArgumentException($"{me}: a tree needs at least 2 leaves, got leaves {ShapeUtil.Format(leaves.Dims)}");
        if (tree.DType != DType.Int64 || tree.Rank != 2 || tree.Dims[0] != L - 1 || tree.Dims[1] != 2)
            throw new ArgumentException($"{me}: tree must be int64 [{L - 1}, 2] (one row per internal node of {L} leaves), got {DTypes.Name(tree.DType)} {ShapeUtil.Format(tree.Dims)}");
        var used = new bool[2 * L - 1];
        var c = tree.LongData;
        for (int j = 0; j < L - 1; j++)
            for (int side = 0; side < 2; side++)
            {
                long i = c[2 * j + side];
                if (i < 0 || i >= L + j)
                    throw new ArgumentException($"{me}: tree[{j}, {side}] = {i} must name a leaf (0..{L - 1}) or an earlier node ({L}..{L + j - 1})");
                if (used[i]) throw new ArgumentException($"{me}: tree[{j}, {side}] = {i} is already a child of another node; each node has one parent");
                used[i] = true;
            }
        return L;
    }

    public override string ExtraRepr() => $"dim={Dim}";
}
