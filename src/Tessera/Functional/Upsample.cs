using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// torch.nn.functional.interpolate: resizes the spatial dims of x [N, C, *spatial] to <paramref name="size"/>, or to
    /// floor(L·scale_factor) per dim. Modes: "nearest" (1 to 3 spatial dims), "linear" (1), "bilinear" (2), "trilinear" (3).
    /// <paramref name="alignCorners"/> (linear modes only) maps the corner pixels' centres onto each other.
    /// </summary>
    public static Tensor Interpolate(Tensor x, int[]? size = null, double[]? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
    {
        const string op = "interpolate";
        RequireFloat(x, op);
        int dims = x.Rank - 2;
        if (dims < 1 || dims > 3) throw new ArgumentException($"{op}: input must be [N, C, *spatial] with 1 to 3 spatial dims, got shape {ShapeUtil.Format(x.Dims)}");
        bool linear = mode switch
        {
            "nearest" => false,
            "linear" or "bilinear" or "trilinear" => true,
            _ => throw new ArgumentException($"{op}: mode must be \"nearest\", \"linear\", \"bilinear\" or \"trilinear\", got \"{mode}\""),
        };
        int want = mode switch { "linear" => 1, "bilinear" => 2, "trilinear" => 3, _ => dims };
        if (dims != want) throw new ArgumentException($"{op}: mode \"{mode}\" needs {want + 2}-d input, got shape {ShapeUtil.Format(x.Dims)}");
        if (!linear && alignCorners != null) throw new ArgumentException($"{op}: align_corners only applies to the linear modes, not \"{mode}\"");
        if ((size == null) == (scaleFactor == null)) throw new ArgumentException($"{op}: give exactly one of size and scale_factor");
        var inSize = x.Dims[2..];
        var outSize = new int[dims];
        for (int i = 0; i < dims; i++)
        {
            if (size != null)
            {
                if (size.Length != dims && size.Length != 1) throw new ArgumentException($"{op}: size {ShapeUtil.Format(size)} needs {dims} entries for input shape {ShapeUtil.Format(x.Dims)}");
                outSize[i] = size.Length == 1 ? size[0] : size[i];
            }
            else
            {
                if (scaleFactor!.Length != dims && scaleFactor.Length != 1) throw new ArgumentException($"{op}: scale_factor [{string.Join(", ", scaleFactor)}] needs {dims} entries for input shape {ShapeUtil.Format(x.Dims)}");
                double sf = scaleFactor.Length == 1 ? scaleFactor[0] : scaleFactor[i];
                if (!(sf > 0)) throw new ArgumentException($"{op}: scale_factor must be positive, got {sf}");
                outSize[i] = (int)Math.Floor(inSize[i] * sf);
            }
            if (outSize[i] < 1) throw new ArgumentException($"{op}: output size {ShapeUtil.Format(outSize)} must be positive (input shape {ShapeUtil.Format(x.Dims)})");
        }
        var y = x;
        for (int i = 0; i < dims; i++)
        {
            double? sf = scaleFactor == null ? null : scaleFactor.Length == 1 ? scaleFactor[0] : scaleFactor[i];
            int l = inSize[i], o = outSize[i];
            // PyTorch copies a dim whose size does not change (and halves indices at exactly 2×) for linear modes and for
            // nearest on 2-d/3-d input, whatever the scale factor says; 1-d nearest always uses the formula.
            if (o == l && (linear || dims > 1)) continue;
            var (i0, i1, lambda) = linear ? LinearIndices(l, o, sf, alignCorners ?? false) : NearestIndices(l, o, sf, dims > 1);
            y = ResampleAlong(y, 2 + i, i0, i1, lambda);
        }
        return ReferenceEquals(y, x) ? Mul(x, 1f) : y;
    }

    /// <summary>
    /// Nearest source per output index: min(floor(dst·scale), L − 1) in float32 as PyTorch computes it, with
    /// scale = 1/scale_factor when a factor is given, else L/out.
    /// </summary>
    private static (int[], int[], float[]) NearestIndices(int length, int outSize, double? scaleFactor, bool halveAtTwice)
    {
        var i0 = new int[outSize];
        float scale = scaleFactor is double sf ? (float)(1.0 / sf) : (float)length / outSize;
        for (int j = 0; j < outSize; j++)
            i0[j] = halveAtTwice && outSize == 2 * length ? j >> 1 : Math.Min((int)MathF.Floor(j * scale), length - 1);
        return (i0, i0, BufferPool.RentZeroed(outSize));
    }

    /// <summary>
    /// Linear interpolation weights per output index: src = dst·(L−1)/(out−1) with align_corners, else
    /// max((dst + 0.5)·scale − 0.5, 0) with scale = 1/scale_factor when given (not L/out), then
    /// i0 = min(floor(src), L−1), i1 = min(i0 + 1, L−1), λ = src − i0.
    /// </summary>
    private static (int[], int[], float[]) LinearIndices(int length, int outSize, double? scaleFactor, bool alignCorners)
    {
        var i0 = new int[outSize]; var i1 = new int[outSize]; var lambda = BufferPool.RentZeroed(outSize);
        double scale = alignCorners ? (outSize > 1 ? (double)(length - 1) / (outSize - 1) : 0) : scaleFactor is double sf ? 1.0 / sf : (double)length / outSize;
        for (int j = 0; j < outSize; j++)
        {
            double src = alignCorners ? j * scale : Math.Max((j + 0.5) * scale - 0.5, 0);
            int a = Math.Min((int)Math.Floor(src), length - 1);
            i0[j] = a; i1[j] = Math.Min(a + 1, length - 1);
            lambda[j] = (float)(src - a);
        }
        return (i0, i1, lambda);
    }

    /// <summary>One resampling pass along <paramref name="dim"/>: output row j = (1 − λ_j)·x[i0_j] + λ_j·x[i1_j].</summary>
    internal static Tensor ResampleAlong(Tensor x, int dim, int[] i0, int[] i1, float[] lambda)
    {
        int outer = ShapeUtil.Numel(x.Dims[..dim]), inner = ShapeUtil.Numel(x.Dims[(dim + 1)..]), length = x.Dims[dim];
        var shape = x.Shape; shape[dim] = i0.Length;
        var y = NewFloat(shape);
        Resample.Forward(x.F32!, y.F32!, outer, length, inner, i0, i1, lambda);
        return Record("interpolate", y, g =>
        {
            var dx = BufferPool.RentZeroed(x.Numel);
            Resample.Backward(g.F32!, dx, outer, length, inner, i0, i1, lambda);
            return [new Tensor(x.Shape, dx)];
        }, x);
    }
}
