using Tessera.Autograd;

namespace Tessera;

/// <summary>
/// An n-dimensional array of float32 values, int64 indices or bool masks, row-major and contiguous,
/// with the autograd state of reverse-mode differentiation (<see cref="RequiresGrad"/>, <see cref="Grad"/>).
/// Reshape is a free view (shared storage); every other op returns a new tensor.
/// </summary>
public partial class Tensor
{
    internal readonly int[] Dims;
    internal readonly float[]? F32;
    internal readonly long[]? I64;
    internal readonly bool[]? B8;

    /// <summary>Element type.</summary>
    public DType DType { get; }

    internal Tensor(int[] shape, float[] data) { Dims = shape; F32 = data; DType = DType.Float32; Check(data.Length); }
    internal Tensor(int[] shape, long[] data) { Dims = shape; I64 = data; DType = DType.Int64; Check(data.Length); }
    internal Tensor(int[] shape, bool[] data) { Dims = shape; B8 = data; DType = DType.Bool; Check(data.Length); }

    private void Check(int length)
    {
        foreach (var d in Dims)
            if (d < 0) throw new ArgumentException($"negative dimension in shape {ShapeUtil.Format(Dims)}");
        if (ShapeUtil.Numel(Dims) != length)
            throw new ArgumentException($"shape {ShapeUtil.Format(Dims)} needs {ShapeUtil.Numel(Dims)} elements, data has {length}");
    }

    /// <summary>A copy of the shape.</summary>
    public int[] Shape => (int[])Dims.Clone();

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Length;

    /// <summary>Number of elements.</summary>
    public int Numel => F32?.Length ?? I64?.Length ?? B8!.Length;

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public int Size(int dim) => Dims[ShapeUtil.Dim(dim, Dims.Length, "Size")];

    /// <summary>The float32 values, row-major. Throws for other dtypes.</summary>
    public Span<float> Data => F32 ?? throw new InvalidOperationException($"tensor of dtype {DTypes.Name(DType)} has no float32 data");

    /// <summary>The int64 values, row-major. Throws for other dtypes.</summary>
    public Span<long> LongData => I64 ?? throw new InvalidOperationException($"tensor of dtype {DTypes.Name(DType)} has no int64 data");

    /// <summary>The bool values, row-major. Throws for other dtypes.</summary>
    public Span<bool> BoolData => B8 ?? throw new InvalidOperationException($"tensor of dtype {DTypes.Name(DType)} has no bool data");

    internal float[] FloatArray => F32 ?? throw new InvalidOperationException($"expected a float32 tensor, got {DTypes.Name(DType)} of shape {ShapeUtil.Format(Dims)}");
    internal long[] LongArray => I64 ?? throw new InvalidOperationException($"expected an int64 tensor, got {DTypes.Name(DType)} of shape {ShapeUtil.Format(Dims)}");

    // ---- autograd state ----
    private bool _requiresGrad;

    /// <summary>Whether gradients flow to (a leaf) or through (a result) this tensor.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (value && DType != DType.Float32) throw new InvalidOperationException($"only float32 tensors can require gradients (this one is {DTypes.Name(DType)})");
            if (!value && GradFn != null) throw new InvalidOperationException("cannot clear RequiresGrad on a non-leaf tensor; use Detach()");
            _requiresGrad = value;
        }
    }

    /// <summary>The accumulated gradient of a leaf (or of a result after <see cref="RetainGrad"/>).</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The node that produced this tensor, or null for a leaf.</summary>
    internal Node? GradFn { get; set; }

    internal bool RetainsGrad { get; private set; }

    /// <summary>True when this tensor was not produced by a recorded op.</summary>
    public bool IsLeaf => GradFn == null;

    /// <summary>Keeps the gradient of this non-leaf tensor in <see cref="Grad"/> after backward (used by Grad-CAM and saliency).</summary>
    public Tensor RetainGrad() { RetainsGrad = true; return this; }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor, for chaining.</summary>
    public Tensor RequiresGrad_(bool value = true) { RequiresGrad = value; return this; }

    /// <summary>A tensor sharing this one's storage, cut from the graph.</summary>
    public Tensor Detach() => WithShape(Dims, keepGraph: false);

    /// <summary>Runs reverse-mode differentiation from this tensor. A scalar needs no gradient; any other shape needs <paramref name="grad"/> of the same shape.</summary>
    public void Backward(Tensor? grad = null, bool retainGraph = false) => Engine.Backward(this, grad, retainGraph);

    /// <summary>A tensor over the same storage with another shape of the same element count (no graph).</summary>
    internal Tensor WithShape(int[] shape, bool keepGraph)
    {
        _ = keepGraph;
        return DType switch
        {
            DType.Float32 => new Tensor(shape, F32!),
            DType.Int64 => new Tensor(shape, I64!),
            _ => new Tensor(shape, B8!),
        };
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Numel != 1) throw new InvalidOperationException($"Item() needs a one-element tensor, got shape {ShapeUtil.Format(Dims)}");
        return DType switch { DType.Float32 => F32![0], DType.Int64 => I64![0], _ => B8![0] ? 1f : 0f };
    }

    /// <summary>A deep copy of the values (no graph).</summary>
    public Tensor Clone() => DType switch
    {
        DType.Float32 => new Tensor(Shape, (float[])F32!.Clone()),
        DType.Int64 => new Tensor(Shape, (long[])I64!.Clone()),
        _ => new Tensor(Shape, (bool[])B8!.Clone()),
    };

    /// <summary>The values as a flat float array copy (int64 and bool are converted).</summary>
    public float[] ToArray() => DType switch
    {
        DType.Float32 => (float[])F32!.Clone(),
        DType.Int64 => Array.ConvertAll(I64!, v => (float)v),
        _ => Array.ConvertAll(B8!, v => v ? 1f : 0f),
    };

    /// <summary>The values as a flat int64 array copy.</summary>
    public long[] ToLongArray() => DType switch
    {
        DType.Int64 => (long[])I64!.Clone(),
        DType.Float32 => Array.ConvertAll(F32!, v => (long)v),
        _ => Array.ConvertAll(B8!, v => v ? 1L : 0L),
    };

    /// <summary>Converts to another dtype (a copy; no gradient flows through a conversion to int or bool).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        return dtype switch
        {
            DType.Float32 => new Tensor(Shape, ToArray()),
            DType.Int64 => new Tensor(Shape, ToLongArray()),
            _ => DType == DType.Float32 ? new Tensor(Shape, Array.ConvertAll(F32!, v => v != 0)) : new Tensor(Shape, Array.ConvertAll(I64!, v => v != 0)),
        };
    }

    /// <summary>Copies values from <paramref name="src"/> (same shape and dtype) into this tensor, outside the graph.</summary>
    public void CopyFrom(Tensor src)
    {
        if (!ShapeUtil.SameShape(src.Dims, Dims) || src.DType != DType)
            throw new ArgumentException($"CopyFrom: expected {DTypes.Name(DType)} {ShapeUtil.Format(Dims)}, got {DTypes.Name(src.DType)} {ShapeUtil.Format(src.Dims)}");
        switch (DType)
        {
            case DType.Float32: src.F32!.CopyTo(F32!, 0); break;
            case DType.Int64: src.I64!.CopyTo(I64!, 0); break;
            default: src.B8!.CopyTo(B8!, 0); break;
        }
    }
}
