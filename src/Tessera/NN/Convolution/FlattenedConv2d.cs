namespace Tessera.NN;

/// <summary>
/// Flattened convolution (Jin, Dundar &amp; Culurciello 2014): a C×k×k filter replaced by three 1-d filters in sequence,
/// lateral (1×1 across channels), vertical (k×1 per channel) and horizontal (1×k per channel) — one conv with the
/// rank-1 kernel K[o, c, u, v] = lateral[o, c]·vertical[o, u]·horizontal[o, v], at in·out + 2·out·k weights instead of
/// in·out·k². Input [N, in, H, W], output [N, out, H + 2p − k + 1, W + 2p − k + 1]. Parameters lateral.weight
/// [out, in, 1, 1], vertical.weight [out, 1, k, 1], horizontal.weight [out, 1, 1, k], horizontal.bias [out].
/// </summary>
public sealed class FlattenedConv2d : Module
{
    public Conv2d Lateral { get; }
    public Conv2d Vertical { get; }
    public Conv2d Horizontal { get; }

    public FlattenedConv2d(int inChannels, int outChannels, int kernelSize, int padding = 0)
    {
        Lateral = RegisterModule("lateral", new Conv2d(inChannels, outChannels, 1, bias: false));
        Vertical = RegisterModule("vertical", new Conv2d(outChannels, outChannels, (kernelSize, 1), padding: (padding, 0), groups: outChannels, bias: false));
        Horizontal = RegisterModule("horizontal", new Conv2d(outChannels, outChannels, (1, kernelSize), padding: (0, padding), groups: outChannels, bias: true));
    }

    public override Tensor Forward(Tensor x) => Horizontal.Forward(Vertical.Forward(Lateral.Forward(x)));
}
