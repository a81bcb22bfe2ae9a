namespace Tessera.NN;

/// <summary>
/// Squeeze-and-excitation (Hu et al. 2018), torchvision.ops.SqueezeExcitation with ReLU and Sigmoid: a channel
/// attention that squeezes each map to its mean, passes the vector through a bottleneck of two 1×1 convs, and
/// rescales the channels by the resulting gates. z = mean_{H,W}(x); s = sigmoid(fc2(relu(fc1(z)))); y = x·s.
/// Input [N, C, H, W], output the same; fc1 [S, C, 1, 1] + bias, fc2 [C, S, 1, 1] + bias.
/// </summary>
public sealed class SqueezeExcitation : Module
{
    public int InputChannels { get; }
    public Conv2d Fc1 { get; }
    public Conv2d Fc2 { get; }

    public SqueezeExcitation(int inputChannels, int squeezeChannels)
    {
        InputChannels = inputChannels;
        Fc1 = RegisterModule("fc1", new Conv2d(inputChannels, squeezeChannels, 1));
        Fc2 = RegisterModule("fc2", new Conv2d(squeezeChannels, inputChannels, 1));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "input_channels", InputChannels, x);
        var z = F.Mean(x, [2, 3], keepdim: true);                        // [N, C, 1, 1]
        var s = F.Sigmoid(Fc2.Forward(F.Relu(Fc1.Forward(z))));
        return F.Mul(x, s);
    }
}
