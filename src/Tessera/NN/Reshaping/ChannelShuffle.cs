namespace Tessera.NN;

/// <summary>
/// ShuffleNet's channel shuffle (Zhang et al. 2018): channels seen as [g, C/g] are transposed, y[:, j·g + i] =
/// x[:, i·(C/g) + j], so the next grouped conv mixes information across groups. Input [N, C, *] → same shape.
/// </summary>
public sealed class ChannelShuffle(int groups) : Module
{
    public int Groups { get; } = groups;
    public override Tensor Forward(Tensor x) => F.ChannelShuffle(x, Groups);
    public override string ExtraRepr() => $"groups={Groups}";
}
