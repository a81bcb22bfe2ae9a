namespace Tessera.NN;

/// <summary>
/// Tiled convolution (Le et al. 2010): y[n, o, i, j] = bias[o] + Σ weight[i mod th, j mod tw, o] ⋆ xpad — output
/// positions a whole number of tiles apart share a filter, so th·tw filter banks learn invariances a single shared
/// filter cannot (tiles [1, 1] is a plain Conv2d). Input [N, in, H, W], output [N, out, OH, OW] (dilation 1).
/// Weight [th, tw, out, in, kh, kw], bias [out].
/// </summary>
public sealed class TiledConv2d : Module
{
    public Size2 KernelSize { get; }
    public Size2 Stride { get; }
    public Size2 Padding { get; }
    public Size2 Tiles { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public TiledConv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2 padding = default, Size2? tiles = null, bool bias = true)
    {
        var t = tiles ?? 2;
        if (inChannels <= 0 || outChannels <= 0 || t.H <= 0 || t.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{Name}: channels and tiles must be positive, got in={inChannels}, out={outChannels}, tiles={t}");
        (KernelSize, Stride, Padding, Tiles) = (kernelSize, stride ?? 1, padding, t);
        Weight = RegisterParameter("weight", Tensor.Empty(t.H, t.W, outChannels, inChannels, kernelSize.H, kernelSize.W));
        if (bias) Bias = RegisterParameter("bias", Tensor.Empty(outChannels)); else RegisterNullParameter("bias");
        // U(−1/√fan_in, 1/√fan_in), fan_in = in·kh·kw, for weight and bias (as Conv2d's bias).
        double b = 1 / Math.Sqrt(inChannels * kernelSize.H * kernelSize.W);
        Init.Uniform(Weight, -b, b);
        if (Bias != null) Init.Uniform(Bias, -b, b);
    }

    public override Tensor Forward(Tensor x) => F.TiledConv2d(x, Weight, Bias, Stride, Padding);
    public override string ExtraRepr() => $"{Weight.Dims[3]}, {Weight.Dims[2]}, kernel_size={KernelSize}, stride={Stride}, padding={Padding}, tiles={Tiles}, bias={Bias != null}";
}
