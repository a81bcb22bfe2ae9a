namespace Tessera.NN;

/// <summary>
/// GoogLeNet's conv unit, torchvision.models.googlenet.BasicConv2d: y = relu(bn(conv(x))), conv without bias,
/// batch norm with eps 0.001. Names <c>conv.weight</c> [out, in, k, k], <c>bn.*</c> [out].
/// Input [N, in, H, W], output [N, out, H', W'] (Conv2d's size formula).
/// </summary>
public sealed class BasicConv2d : Module
{
    public Conv2d Conv { get; }
    public BatchNorm2d Bn { get; }

    public BasicConv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0)
    {
        Conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, kernelSize, stride, padding, bias: false));
        Bn = RegisterModule("bn", new BatchNorm2d(outChannels, eps: 0.001));
    }

    public override Tensor Forward(Tensor x) => F.Relu(Bn.Forward(Conv.Forward(x)));
}
