namespace Tessera.NN;

/// <summary>
/// Applies one layer to every time step of a batch-major sequence (the Keras wrapper): y[n, t] = layer(x[n, t]), done as
/// one call on the folded batch, layer(x.reshape(N·T, *S)).reshape(N, T, *S′). The same weights serve every step.
/// x [N, T, *S] → [N, T, *S′], where the layer maps [B, *S] → [B, *S′]. The inner layer's parameters are named layer.*.
/// </summary>
public sealed class TimeDistributed : Module
{
    public Module Layer { get; }

    public TimeDistributed(Module layer) => Layer = RegisterModule("layer", layer);

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank < 3)
            throw new ArgumentException($"TimeDistributed({Layer.Name}): input must be [batch, time, ...] with at least 3 dims, got shape {ShapeUtil.Format(x.Dims)}");
        int n = x.Dims[0], t = x.Dims[1];
        var y = Layer.Forward(F.Reshape(x, [n * t, .. x.Dims[2..]]));
        if (y.Rank == 0 || y.Dims[0] != n * t)
            throw new ArgumentException($"TimeDistributed({Layer.Name}): the layer turned {n * t} folded rows into shape {ShapeUtil.Format(y.Dims)}");
        return F.Reshape(y, [n, t, .. y.Dims[1..]]);
    }
}
