using Tessera.NN;

namespace Tessera.Models;

/// <summary>
/// ResNet (He et al. 2016) built from <see cref="BasicBlock"/>s with torchvision's structure and state-dict names
/// (conv1, bn1, layer1.0.conv1, ..., fc), so torchvision's resnet18/34 weights load. Input [N, 3, H, W] → logits [N, classes].
/// </summary>
public sealed class ResNet : Module
{
    private readonly Module _stem;
    private readonly Sequential[] _layers;
    private readonly Module _pool;

    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Linear Fc { get; }

    /// <param name="blocks">Basic blocks per stage (ResNet-18: 2, 2, 2, 2).</param>
    /// <param name="widths">Channels per stage (torchvision: 64, 128, 256, 512).</param>
    /// <param name="inChannels">Image channels.</param>
    /// <param name="classes">Outputs of the final linear layer.</param>
    /// <param name="smallInput">
    /// For small images (28×28 digits): a 3×3 stride-1 stem without max pooling instead of ImageNet's 7×7 stride-2 stem
    /// and 3×3 max pool, so the feature maps do not vanish.
    /// </param>
    public ResNet(int[] blocks, int[] widths, int inChannels = 3, int classes = 1000, bool smallInput = false)
    {
        if (blocks.Length != widths.Length || blocks.Length == 0) throw new ArgumentException($"ResNet: {blocks.Length} stage depths for {widths.Length} widths");
        int w0 = widths[0];
        Conv1 = RegisterModule("conv1", smallInput ? new Conv2d(inChannels, w0, 3, padding: 1, bias: false) : new Conv2d(inChannels, w0, 7, stride: 2, padding: 3, bias: false));
        Bn1 = RegisterModule("bn1", new BatchNorm2d(w0));
        _stem = smallInput ? new Identity() : new MaxPool2d(3, stride: 2, padding: 1);
        _layers = new Sequential[blocks.Length];
        int inplanes = w0;
        for (int s = 0; s < blocks.Length; s++)
        {
            var layer = new Sequential();
            int stride = s == 0 ? 1 : 2;
            for (int b = 0; b < blocks[s]; b++)
            {
                int st = b == 0 ? stride : 1;
                layer.Add(new BasicBlock(inplanes, widths[s], st, downsample: b == 0 && (st != 1 || inplanes != widths[s])));
                inplanes = widths[s];
            }
            _layers[s] = RegisterModule($"layer{s + 1}", layer);
        }
        _pool = new AdaptiveAvgPool2d(1);
        Fc = RegisterModule("fc", new Linear(inplanes, classes));
        // torchvision's initialisation: Kaiming-normal (fan_out, relu) convolutions, batch norms at weight 1 and bias 0.
        foreach (var (_, m) in NamedModules())
        {
            if (m is Conv2d c) Init.KaimingNormal(c.Weight, mode: "fan_out", nonlinearity: "relu");
            else if (m is BatchNorm2d bn && bn.Weight != null) { Init.Ones(bn.Weight); Init.Zeros(bn.Bias!); }
        }
    }

    public override Tensor Forward(Tensor x)
    {
        var h = _stem.Forward(F.Relu(Bn1.Forward(Conv1.Forward(x))));
        foreach (var l in _layers) h = l.Forward(h);
        return Fc.Forward(F.Flatten(_pool.Forward(h), 1));
    }

    /// <summary>ResNet-18: four stages of two basic blocks, widths 64–512.</summary>
    public static ResNet ResNet18(int classes = 1000, int inChannels = 3) => new([2, 2, 2, 2], [64, 128, 256, 512], inChannels, classes);

    /// <summary>A small ResNet for 28×28 grey images: three stages of one basic block, widths 16, 32, 64 (8 weight layers).</summary>
    public static ResNet ResNet8(int classes = 10) => new([1, 1, 1], [16, 32, 64], 1, classes, smallInput: true);
}
