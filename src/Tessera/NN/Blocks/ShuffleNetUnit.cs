namespace Tessera.NN;

/// <summary>
/// ShuffleNet v1 unit (Zhang et al. 2018, Fig. 2b/2c), following the paper's figure: grouped 1×1 conv → BN → ReLU →
/// channel shuffle → 3×3 depthwise conv (stride) → BN → grouped 1×1 conv → BN; then stride 1: y = relu(x + r);
/// stride 2: y = relu(cat([avg_pool3x3_s2_p1(x), r])) (the pool counts padding). mid = out/4; the branch outputs
/// out (stride 1) or out − in (stride 2) channels. Megvii's released weights use another ordering and do not load.
/// Input [N, in, H, W], output [N, out, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1].
/// </summary>
public sealed class ShuffleNetUnit : Module
{
    public int InChannels { get; }
    public int OutChannels { get; }
    public int Groups { get; }
    public int Stride { get; }
    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Conv2d Conv2 { get; }
    public BatchNorm2d Bn2 { get; }
    public Conv2d Conv3 { get; }
    public BatchNorm2d Bn3 { get; }

    public ShuffleNetUnit(int inChannels, int outChannels, int groups, int stride = 1)
    {
        if (stride != 1 && stride != 2) throw new ArgumentException($"ShuffleNetUnit: stride must be 1 or 2, got {stride}");
        if (stride == 1 && inChannels != outChannels)
            throw new ArgumentException($"ShuffleNetUnit(stride=1): in_channels ({inChannels}) must equal out_channels ({outChannels}) for the residual addition");
        int mid = outChannels / 4, branchOut = stride == 1 ? outChannels : outChannels - inChannels;
        if (groups <= 0 || mid <= 0 || branchOut <= 0 || inChannels % groups != 0 || mid % groups != 0 || branchOut % groups != 0)
            throw new ArgumentException($"ShuffleNetUnit(in_channels={inChannels}, out_channels={outChannels}, groups={groups}, stride={stride}): in_channels, mid = out/4 ({mid}) and the branch output ({branchOut}) must be positive and divisible by groups");
        (InChannels, OutChannels, Groups, Stride) = (inChannels, outChannels, groups, stride);
        Conv1 = RegisterModule("conv1", BlockLayers.Conv1x1(inChannels, mid, groups: groups));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(mid));
        Conv2 = RegisterModule("conv2", BlockLayers.Depthwise3x3(mid, stride));
        Bn2 = RegisterModule("bn2", new BatchNorm2d(mid));
        Conv3 = RegisterModule("conv3", BlockLayers.Conv1x1(mid, branchOut, groups: groups));
        Bn3 = RegisterModule("bn3", new BatchNorm2d(branchOut));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "in_channels", InChannels, x);
        var r = F.Relu(Bn1.Forward(Conv1.Forward(x)));
        r = F.ChannelShuffle(r, Groups);
        r = Bn2.Forward(Conv2.Forward(r));
        r = Bn3.Forward(Conv3.Forward(r));
        if (Stride == 1) return F.Relu(F.Add(x, r));
        return F.Relu(F.Cat([F.AvgPool2d(x, 3, 2, 1), r], 1));
    }

    public override string ExtraRepr() => $"in_channels={InChannels}, out_channels={OutChannels}, groups={Groups}, stride={Stride}";
}
