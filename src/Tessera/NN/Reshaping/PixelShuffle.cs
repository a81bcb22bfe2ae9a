namespace Tessera.NN;

/// <summary>
/// Sub-pixel convolution's rearrangement (Shi et al. 2016, ESPCN; torch.nn.PixelShuffle): r² channels become an r×r
/// block of pixels, y[…, c, h·r + i, w·r + j] = x[…, c·r² + i·r + j, h, w]. A conv to C·r² channels followed by this
/// upsamples by r without the checkerboard artefacts of a transposed conv. Input [*, C·r², H, W] → [*, C, H·r, W·r].
/// </summary>
public sealed class PixelShuffle(int upscaleFactor) : Module
{
    public int UpscaleFactor { get; } = upscaleFactor;
    public override Tensor Forward(Tensor x) => F.PixelShuffle(x, UpscaleFactor);
    public override string ExtraRepr() => $"upscale_factor={UpscaleFactor}";
}

/// <summary>The inverse of <see cref="PixelShuffle"/> (space-to-depth): input [*, C, H·r, W·r] → [*, C·r², H, W].</summary>
public sealed class PixelUnshuffle(int downscaleFactor) : Module
{
    public int DownscaleFactor { get; } = downscaleFactor;
    public override Tensor Forward(Tensor x) => F.PixelUnshuffle(x, DownscaleFactor);
    public override string ExtraRepr() => $"downscale_factor={DownscaleFactor}";
}
