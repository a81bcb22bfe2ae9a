namespace Tessera;

/// <summary>Shape arithmetic shared by tensors and ops: element counts, strides, broadcasting, dim normalisation.</summary>
public static class ShapeUtil
{
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        if (n > int.MaxValue) throw new ArgumentException($"shape {Format(shape)} has {n} elements, more than a tensor can hold");
        return (int)n;
    }

    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Normalises a possibly negative dim against a rank; throws naming the op when out of range.</summary>
    public static int Dim(int dim, int rank, string op = "dim")
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dim {dim} is out of range for a tensor of rank {rank}");
        return d;
    }

    /// <summary>NumPy/PyTorch broadcasting of two shapes.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op = "broadcast")
    {
        int r = Math.Max(a.Length, b.Length);
        var o = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i < r - a.Length ? 1 : a[i - (r - a.Length)];
            int db = i < r - b.Length ? 1 : b[i - (r - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast (dim {i}: {da} vs {db})");
            o[i] = da == 1 ? db : da;
        }
        return o;
    }

    /// <summary>Strides of <paramref name="shape"/> seen as broadcast to <paramref name="target"/> (0 on broadcast dims).</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> target)
    {
        var s = new int[target.Length];
        var own = Strides(shape);
        int off = target.Length - shape.Length;
        for (int i = 0; i < target.Length; i++)
        {
            if (i < off) { s[i] = 0; continue; }
            s[i] = shape[i - off] == 1 && target[i] != 1 ? 0 : own[i - off];
        }
        return s;
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>Resolves one -1 in a reshape target against an element count.</summary>
    public static int[] Infer(ReadOnlySpan<int> shape, int numel, string op = "reshape")
    {
        var o = shape.ToArray();
        int infer = -1; long known = 1;
        for (int i = 0; i < o.Length; i++)
        {
            if (o[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be -1, got {Format(shape)}");
                infer = i;
            }
            else if (o[i] < 0) throw new ArgumentException($"{op}: invalid dimension {o[i]} in {Format(shape)}");
            else known *= o[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0) throw new ArgumentException($"{op}: cannot reshape {numel} elements into {Format(shape)}");
            o[infer] = (int)(numel / known);
        }
        else if (known != numel) throw new ArgumentException($"{op}: cannot reshape {numel} elements into {Format(shape)}");
        return o;
    }
}
