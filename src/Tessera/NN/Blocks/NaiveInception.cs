namespace Tessera.NN;

/// <summary>
/// Naive Inception module (GoogLeNet, Szegedy et al. 2015, Fig. 2a): parallel 1×1, 3×3 and 5×5 convolutions (with
/// bias, ReLU, "same" zero padding) and a 3×3 max-pool (stride 1, −∞ padding), concatenated on channels with no
/// reductions — the version whose cost motivated the 1×1 reductions of <see cref="InceptionModule"/>.
/// Input [N, in, H, W], output [N, ch1x1 + ch3x3 + ch5x5 + in, H, W].
/// </summary>
public sealed class NaiveInception : Module
{
    public int InChannels { get; }
    public Conv2d Conv1x1 { get; }
    public Conv2d Conv3x3 { get; }
    public Conv2d Conv5x5 { get; }

    public NaiveInception(int inChannels, int ch1x1, int ch3x3, int ch5x5)
    {
        InChannels = inChannels;
        Conv1x1 = RegisterModule("conv1x1", new Conv2d(inChannels, ch1x1, 1));
        Conv3x3 = RegisterModule("conv3x3", new Conv2d(inChannels, ch3x3, 3, padding: 1));
        Conv5x5 = RegisterModule("conv5x5", new Conv2d(inChannels, ch5x5, 5, padding: 2));
    }

    public override Tensor Forward(Tensor x)
    {
        BlockLayers.CheckImage(Name, "in_channels", InChannels, x);
        return F.Cat([F.Relu(Conv1x1.Forward(x)), F.Relu(Conv3x3.Forward(x)), F.Relu(Conv5x5.Forward(x)), F.MaxPool2d(x, 3, 1, 1)], 1);
    }
}
