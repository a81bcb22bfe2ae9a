namespace Tessera.NN;

/// <summary>What convolutions and transposed convolutions share: argument checks, the input check and PyTorch's initialisation.</summary>
internal static class ConvChecks
{
    /// <summary>Positive channel counts that both split into <paramref name="groups"/>; positive kernel, stride and dilation.</summary>
    public static void Arguments(string layer, int inChannels, int outChannels, int groups, int[] kernelSize, int[] stride, int[] dilation)
    {
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{layer}: in_channels and out_channels must be positive, got {inChannels} and {outChannels}");
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{layer}(groups={groups}): in_channels={inChannels} and out_channels={outChannels} must both be divisible by groups");
        F.CheckPositive(kernelSize, layer, "kernel_size"); F.CheckPositive(stride, layer, "stride"); F.CheckPositive(dilation, layer, "dilation");
    }

    /// <summary>x must be [N, C, *spatial] or unbatched [C, *spatial] with C = in_channels.</summary>
    public static void Input(string layer, int dims, int inChannels, Tensor x)
    {
        if (x.Rank != dims + 2 && x.Rank != dims + 1)
            throw new ArgumentException($"{layer}: input must be [N, C, {F.SpatialNames(dims)}] or [C, {F.SpatialNames(dims)}], got shape {ShapeUtil.Format(x.Dims)}");
        int c = x.Dims[x.Rank - dims - 1];
        if (c != inChannels) throw new ArgumentException($"{layer}(in_channels={inChannels}): input has {c} channels (shape {ShapeUtil.Format(x.Dims)})");
    }

    /// <summary>PyTorch's default: kaiming-uniform(a = √5) weight, bias U(−1/√fan_in, 1/√fan_in) with fan_in from the weight's dim 1·Πk.</summary>
    public static void ResetParameters(Parameter weight, Parameter? bias)
    {
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (bias != null) { double b = 1 / Math.Sqrt(Init.Fans(weight).FanIn); Init.Uniform(bias, -b, b); }
    }
}
