namespace Tessera.NN;

/// <summary>Flattens dims start..end (default 1..−1), as nn.Flatten.</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    public override Tensor Forward(Tensor x) => F.Flatten(x, startDim, endDim);
    public override string ExtraRepr() => $"start_dim={startDim}, end_dim={endDim}";
}
