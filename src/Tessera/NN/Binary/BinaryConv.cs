namespace Tessera.NN;

/// <summary>Argument checks, initialisation and printing shared by the binary convolutions.</summary>
internal static class BinaryConv
{
    public static void CheckConfig(string layer, int inChannels, int outChannels, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation, int groups)
    {
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{layer}: in_channels and out_channels must be positive, got {inChannels} and {outChannels}");
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{layer}(groups={groups}): in_channels={inChannels} and out_channels={outChannels} must both be divisible by groups");
        if (kernel.H <= 0 || kernel.W <= 0 || stride.H <= 0 || stride.W <= 0 || dilation.H <= 0 || dilation.W <= 0 || padding.H < 0 || padding.W < 0)
            throw new ArgumentException($"{layer}: kernel_size {kernel}, stride {stride}, dilation {dilation} must be positive and padding {padding} non-negative");
    }

    public static void CheckInput(string layer, int inChannels, Tensor x)
    {
        if (x.Rank != 4 || x.Dims[1] != inChannels)
            throw new ArgumentException($"{layer}(in_channels={inChannels}): input must be [N, {inChannels}, H, W], got shape {ShapeUtil.Format(x.Dims)}");
    }

    /// <summary>Conv2d's default initialisation: kaiming-uniform(a = √5) weight, bias U(−1/√fan_in, 1/√fan_in).</summary>
    public static void Reset(Parameter weight, Parameter? bias)
    {
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (bias != null) { double b = 1 / Math.Sqrt(Init.Fans(weight).FanIn); Init.Uniform(bias, -b, b); }
    }

    public static string Repr(int inChannels, int outChannels, Size2 k, Size2 s, Size2 p, Size2 d, int groups, bool bias)
        => $"{inChannels}, {outChannels}, kernel_size={k}, stride={s}, padding={p}, dilation={d}" + (groups != 1 ? $", groups={groups}" : "") + (bias ? "" : ", bias=False");
}
