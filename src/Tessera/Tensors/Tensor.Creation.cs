namespace Tessera;

public partial class Tensor
{
    /// <summary>A float32 tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => new((int[])shape.Clone(), new float[ShapeUtil.Numel(shape)]);

    /// <summary>An uninitialised (zeroed) float32 tensor; same as <see cref="Zeros"/> here.</summary>
    public static Tensor Empty(params int[] shape) => Zeros(shape);

    /// <summary>A float32 tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1f);

    /// <summary>A float32 tensor filled with one value.</summary>
    public static Tensor Full(int[] shape, float value)
    {
        var d = new float[ShapeUtil.Numel(shape)];
        Array.Fill(d, value);
        return new((int[])shape.Clone(), d);
    }

    /// <summary>A 0-d float32 tensor.</summary>
    public static Tensor Scalar(float value) => new([], [value]);

    /// <summary>Zeros of another tensor's shape.</summary>
    public static Tensor ZerosLike(Tensor t) => Zeros(t.Dims);

    /// <summary>Ones of another tensor's shape.</summary>
    public static Tensor OnesLike(Tensor t) => Ones(t.Dims);

    /// <summary>A float32 tensor over a copy of <paramref name="data"/> with the given shape (a 1-d tensor when no shape is given).</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
        => new(shape.Length == 0 ? [data.Length] : (int[])shape.Clone(), (float[])data.Clone());

    /// <summary>A float32 tensor that takes ownership of <paramref name="data"/> (no copy).</summary>
    public static Tensor Wrap(float[] data, params int[] shape) => new((int[])shape.Clone(), data);

    /// <summary>An int64 tensor over a copy of <paramref name="data"/>.</summary>
    public static Tensor FromLongs(long[] data, params int[] shape)
        => new(shape.Length == 0 ? [data.Length] : (int[])shape.Clone(), (long[])data.Clone());

    /// <summary>A bool tensor over a copy of <paramref name="data"/>.</summary>
    public static Tensor FromBools(bool[] data, params int[] shape)
        => new(shape.Length == 0 ? [data.Length] : (int[])shape.Clone(), (bool[])data.Clone());

    /// <summary>A 2-d float32 tensor from a rectangular array.</summary>
    public static Tensor FromArray(float[,] data)
    {
        int r = data.GetLength(0), c = data.GetLength(1);
        var d = new float[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) d[i * c + j] = data[i, j];
        return new([r, c], d);
    }

    /// <summary>Values start, start+step, ... below end, as float32.</summary>
    public static Tensor Arange(float start, float end, float step = 1f)
    {
        if (step == 0) throw new ArgumentException("Arange: step must not be 0");
        int n = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        var d = new float[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return new([n], d);
    }

    /// <summary>0, 1, ..., n-1 as float32.</summary>
    public static Tensor Arange(int n) => Arange(0, n);

    /// <summary>Standard-normal float32 values from <paramref name="gen"/> (or the default generator).</summary>
    public static Tensor Randn(int[] shape, Generator? gen = null)
    {
        gen ??= Generator.Default;
        var d = new float[ShapeUtil.Numel(shape)];
        for (int i = 0; i < d.Length; i++) d[i] = (float)gen.NextNormal();
        return new((int[])shape.Clone(), d);
    }

    /// <summary>Uniform float32 values in [low, high).</summary>
    public static Tensor Rand(int[] shape, float low = 0f, float high = 1f, Generator? gen = null)
    {
        gen ??= Generator.Default;
        var d = new float[ShapeUtil.Numel(shape)];
        for (int i = 0; i < d.Length; i++) d[i] = (float)(low + (high - low) * gen.NextDouble());
        return new((int[])shape.Clone(), d);
    }

    /// <summary>Uniform int64 values in [0, high).</summary>
    public static Tensor RandInt(int high, int[] shape, Generator? gen = null)
    {
        gen ??= Generator.Default;
        var d = new long[ShapeUtil.Numel(shape)];
        for (int i = 0; i < d.Length; i++) d[i] = gen.NextInt(high);
        return new((int[])shape.Clone(), d);
    }

    /// <summary>Implicit conversion of a float to a 0-d tensor, so <c>x * 2f</c> reads naturally.</summary>
    public static implicit operator Tensor(float value) => Scalar(value);
}
