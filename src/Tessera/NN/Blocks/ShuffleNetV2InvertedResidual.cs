namespace Tessera.NN;

/// <summary>
/// ShuffleNet v2 unit (Ma et al. 2018, Fig. 3c/3d), torchvision.models.shufflenetv2.InvertedResidual (names match).
/// Stride 1: the channels split in halves, the second goes through branch2 (1×1 → BN → ReLU → 3×3 depthwise → BN →
/// 1×1 → BN → ReLU) and the halves are concatenated; stride &gt; 1: branch1 (3×3 depthwise, stride → BN → 1×1 → BN →
/// ReLU) and branch2 both read x. Then a channel shuffle with 2 groups.
/// Input [N, inp, H, W], output [N, 2·⌊oup/2⌋, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1].
/// </summary>
public sealed class ShuffleNetV2InvertedResidual : Module
{
    public int Inp { get; }
    public int Oup { get; }
    public int Stride { get; }
    /// <summary>Present only when stride &gt; 1 (torchvision keeps an empty Sequential, which has no state).</summary>
    public Sequential? Branch1 { get; }
    public Sequential Branch2 { get; }

    public ShuffleNetV2InvertedResidual(int inp, int oup, int stride)
    {
        if (stride < 1 || stride > 3) throw new ArgumentException($"ShuffleNetV2InvertedResidual: illegal stride {stride} (1 to 3)");
        int bf = oup / 2;
        if (inp <= 0 || bf <= 0) throw new ArgumentException($"ShuffleNetV2InvertedResidual: inp ({inp}) and oup/2 ({bf}) must be positive");
        if (stride == 1 && inp != 2 * bf)
            throw new ArgumentException($"ShuffleNetV2InvertedResidual(inp={inp}, oup={oup}, stride=1): inp must equal 2·(oup/2) = {2 * bf}");
        (Inp, Oup, Stride) = (inp, oup, stride);
        if (stride > 1)
            Branch1 = RegisterModule("branch1", new Sequential(
                BlockLayers.Depthwise3x3(inp, stride), new BatchNorm2d(inp),
                BlockLayers.Conv1x1(inp, bf), new BatchNorm2d(bf), new ReLU()));
        Branch2 = RegisterModule("branch2", new Sequential(
            BlockLayers.Conv1x1(stride > 1 ? inp : bf, bf), new BatchNorm2d(bf), new ReLU(),
            BlockLayers.Depthwise3x3(bf, stride), new BatchNorm2d(bf),
            BlockLayers.Conv1x1(bf, bf), new BatchNorm2d(bf), new ReLU()));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "inp", Inp, x);
        Tensor y;
        if (Branch1 == null)
        {
            var halves = F.Chunk(x, 2, 1);
            y = F.Cat([halves[0], Branch2.Forward(halves[1])], 1);
        }
        else y = F.Cat([Branch1.Forward(x), Branch2.Forward(x)], 1);
        return F.ChannelShuffle(y, 2);
    }

    public override string ExtraRepr() => $"inp={Inp}, oup={Oup}, stride={Stride}";
}
