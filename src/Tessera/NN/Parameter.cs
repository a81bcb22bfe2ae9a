namespace Tessera.NN;

/// <summary>A trainable tensor of a module: it requires gradients and is returned by <see cref="Module.Parameters"/>.</summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps the values of <paramref name="data"/> (shared, not copied) as a parameter.</summary>
    public Parameter(Tensor data, bool requiresGrad = true) : base(data.Shape, data.FloatArray)
    {
        RequiresGrad = requiresGrad;
    }
}
