namespace Tessera.NN;

/// <summary>
/// Resizes the spatial dims (torch.nn.Upsample): to <c>size</c>, or by <c>scaleFactor</c> per dim (output floor(L·f)).
/// "nearest" copies the nearest source (1 to 3 spatial dims); "linear"/"bilinear"/"trilinear" interpolate (1/2/3 dims),
/// with align_corners mapping the corner pixel centres onto each other. No parameters — a fixed upsampler, often
/// followed by a conv instead of a transposed conv to avoid checkerboard artefacts (Odena et al. 2016).
/// Input [N, C, *spatial] → [N, C, *out].
/// </summary>
public class Upsample : Module
{
    public int[]? Size { get; }
    public double[]? ScaleFactor { get; }
    public string Mode { get; }
    public bool? AlignCorners { get; }

    public Upsample(int[]? size = null, double[]? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
    {
        if ((size == null) == (scaleFactor == null)) throw new ArgumentException($"{Name}: give exactly one of size and scale_factor");
        if (mode is not ("nearest" or "linear" or "bilinear" or "trilinear"))
            throw new ArgumentException($"{Name}: mode must be \"nearest\", \"linear\", \"bilinear\" or \"trilinear\", got \"{mode}\"");
        if (mode == "nearest" && alignCorners != null) throw new ArgumentException($"{Name}: align_corners only applies to the linear modes, not \"nearest\"");
        (Size, ScaleFactor, Mode, AlignCorners) = (size?.ToArray(), scaleFactor?.ToArray(), mode, alignCorners);
    }

    /// <summary>Upsampling by a single factor in every spatial dim.</summary>
    public Upsample(double scaleFactor, string mode = "nearest", bool? alignCorners = null) : this(null, [scaleFactor], mode, alignCorners) { }

    public override Tensor Forward(Tensor x) => F.Interpolate(x, Size, ScaleFactor, Mode, Mode == "nearest" ? null : AlignCorners ?? false);

    public override string ExtraRepr()
        => (Size != null ? $"size={ShapeUtil.Format(Size)}" : $"scale_factor=[{string.Join(", ", ScaleFactor!)}]") + $", mode={Mode}" + (AlignCorners is bool a ? $", align_corners={a}" : "");
}

/// <summary>Nearest-neighbour 2-d upsampling (torch.nn.UpsamplingNearest2d = Upsample(mode "nearest")). Input [N, C, H, W].</summary>
public sealed class UpsamplingNearest2d : Upsample
{
    public UpsamplingNearest2d(Size2 size) : base(size.ToArray(), null, "nearest") { }
    public UpsamplingNearest2d(double scaleFactor) : base(null, [scaleFactor, scaleFactor], "nearest") { }
}

/// <summary>Bilinear 2-d upsampling with aligned corners (torch.nn.UpsamplingBilinear2d = Upsample(mode "bilinear", align_corners true)). Input [N, C, H, W].</summary>
public sealed class UpsamplingBilinear2d : Upsample
{
    public UpsamplingBilinear2d(Size2 size) : base(size.ToArray(), null, "bilinear", true) { }
    public UpsamplingBilinear2d(double scaleFactor) : base(null, [scaleFactor, scaleFactor], "bilinear", true) { }
}
