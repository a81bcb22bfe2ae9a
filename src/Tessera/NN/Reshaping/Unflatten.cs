namespace Tessera.NN;

/// <summary>Splits one dim into several (torch.nn.Unflatten), e.g. [N, 64] → [N, 4, 4, 4] with dim 1 and sizes [4, 4, 4]; the inverse of <see cref="Flatten"/>.</summary>
public sealed class Unflatten(int dim, int[] unflattenedSize) : Module
{
    public int Dim { get; } = dim;
    public int[] UnflattenedSize { get; } = unflattenedSize.ToArray();

    public override Tensor Forward(Tensor x) => F.Unflatten(x, Dim, UnflattenedSize);
    public override string ExtraRepr() => $"dim={Dim}, unflattened_size={ShapeUtil.Format(UnflattenedSize)}";
}
