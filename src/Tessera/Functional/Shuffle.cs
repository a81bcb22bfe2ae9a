namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Sub-pixel rearrangement (Shi et al. 2016, ESPCN): y[…, c, h·r + i, w·r + j] = x[…, c·r² + i·r + j, h, w].
    /// x [*, C·r², H, W] → [*, C, H·r, W·r]; any dims before the channel dim are batch dims.
    /// </summary>
    public static Tensor PixelShuffle(Tensor x, int upscaleFactor)
    {
        const string op = "pixel_shuffle";
        int r = upscaleFactor;
        if (r < 1) throw new ArgumentException($"{op}: upscale_factor must be positive, got {r}");
        if (x.Rank < 3) throw new ArgumentException($"{op}: input must be [*, C·r², H, W], got shape {ShapeUtil.Format(x.Dims)}");
        int c = x.Dims[^3], h = x.Dims[^2], w = x.Dims[^1];
        if (c % (r * r) != 0) throw new ArgumentException($"{op}(upscale_factor={r}): {c} channels are not divisible by r² = {r * r} (input shape {ShapeUtil.Format(x.Dims)})");
        var lead = x.Dims[..^3];
        int b = ShapeUtil.Numel(lead);
        var t = Reshape(x, b, c / (r * r), r, r, h, w);
        t = Permute(t, 0, 1, 4, 2, 5, 3);   // [B, C, H, r, W, r]
        return Reshape(t, [.. lead, c / (r * r), h * r, w * r]);
    }

    /// <summary>The inverse of <see cref="PixelShuffle"/>: x [*, C, H·r, W·r] → [*, C·r², H, W].</summary>
    public static Tensor PixelUnshuffle(Tensor x, int downscaleFactor)
    {
        const string op = "pixel_unshuffle";
        int r = downscaleFactor;
        if (r < 1) throw new ArgumentException($"{op}: downscale_factor must be positive, got {r}");
        if (x.Rank < 3) throw new ArgumentException($"{op}: input must be [*, C, H·r, W·r], got shape {ShapeUtil.Format(x.Dims)}");
        int c = x.Dims[^3], h = x.Dims[^2], w = x.Dims[^1];
        if (h % r != 0 || w % r != 0) throw new ArgumentException($"{op}(downscale_factor={r}): height {h} and width {w} must be divisible by {r} (input shape {ShapeUtil.Format(x.Dims)})");
        var lead = x.Dims[..^3];
        var t = Reshape(x, ShapeUtil.Numel(lead), c, h / r, r, w / r, r);
        t = Permute(t, 0, 1, 3, 5, 2, 4);   // [B, C, r, r, H/r, W/r]
        return Reshape(t, [.. lead, c * r * r, h / r, w / r]);
    }

    /// <summary>
    /// ShuffleNet's channel shuffle (Zhang et al. 2018): view the channels as [g, C/g], transpose, flatten back, so
    /// y[:, j·g + i] = x[:, i·(C/g) + j] and the next grouped conv sees channels from every group. x [N, C, *] → same shape.
    /// </summary>
    public static Tensor ChannelShuffle(Tensor x, int groups)
    {
        const string op = "channel_shuffle";
        if (x.Rank < 2) throw new ArgumentException($"{op}: input must be [N, C, *], got shape {ShapeUtil.Format(x.Dims)}");
        int n = x.Dims[0], c = x.Dims[1];
        if (groups < 1 || c % groups != 0) throw new ArgumentException($"{op}(groups={groups}): {c} channels are not divisible by the groups (input shape {ShapeUtil.Format(x.Dims)})");
        int rest = ShapeUtil.Numel(x.Dims[2..]);
        var t = Transpose(Reshape(x, n, groups, c / groups, rest), 1, 2);
        return Reshape(t, x.Shape);
    }

    /// <summary>Splits dim <paramref name="dim"/> into <paramref name="sizes"/> (their product must equal its size; one may be −1).</summary>
    public static Tensor Unflatten(Tensor x, int dim, params int[] sizes)
    {
        int d = ShapeUtil.Dim(dim, x.Rank, "unflatten");
        var inner = ShapeUtil.Infer(sizes, x.Dims[d], "unflatten");
        return Reshape(x, [.. x.Dims[..d], .. inner, .. x.Dims[(d + 1)..]]);
    }
}
