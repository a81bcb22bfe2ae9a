namespace Tessera.NN;

/// <summary>The small convolutions the CNN blocks are built from, as torchvision's <c>conv3x3</c> and <c>conv1x1</c> (no bias).</summary>
internal static class BlockLayers
{
    /// <summary>3×3 convolution, padding = dilation (size-preserving at stride 1), no bias.</summary>
    public static Conv2d Conv3x3(int inPlanes, int outPlanes, int stride = 1, int groups = 1, int dilation = 1)
        => new(inPlanes, outPlanes, 3, stride, dilation, dilation, groups, bias: false);

    /// <summary>1×1 convolution, no bias.</summary>
    public static Conv2d Conv1x1(int inPlanes, int outPlanes, int stride = 1, int groups = 1)
        => new(inPlanes, outPlanes, 1, stride, 0, 1, groups, bias: false);

    /// <summary>3×3 depthwise convolution (one filter per channel), padding 1, no bias.</summary>
    public static Conv2d Depthwise3x3(int channels, int stride = 1)
        => new(channels, channels, 3, stride, 1, 1, channels, bias: false);

    /// <summary>Throws naming the block when x is not [N, channels, H, W].</summary>
    public static void CheckImage(string block, string arg, int channels, Tensor x)
    {
        if (x.Rank != 4 || x.Dims[1] != channels)
            throw new ArgumentException($"{block}({arg}={channels}): input must be [N, {channels}, H, W], got shape {ShapeUtil.Format(x.Dims)}");
    }
}
