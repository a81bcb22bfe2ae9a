using Tessera.NN;

namespace Tessera.Optim;

/// <summary>Gradient clipping (Pascanu et al. 2013), as torch.nn.utils.clip_grad_norm_ / clip_grad_value_.</summary>
public static class GradClip
{
    /// <summary>
    /// Scales every gradient by max_norm / (total + 1e-6) when that factor is below 1, where total is the p-norm of all
    /// gradients together (p may be <see cref="double.PositiveInfinity"/>). Returns the total norm before clipping.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2)
    {
        if (!(normType > 0)) throw new ArgumentException($"clip_grad_norm: norm_type must be positive, got {normType}");
        var grads = parameters.Select(p => p.Grad).Where(g => g != null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        double total = 0;
        if (double.IsPositiveInfinity(normType))
            foreach (var g in grads) foreach (var v in g.Data) total = Math.Max(total, Math.Abs(v));
        else
        {
            foreach (var g in grads) foreach (var v in g.Data) total += Math.Pow(Math.Abs(v), normType);
            total = Math.Pow(total, 1 / normType);
        }
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1)
            foreach (var g in grads) System.Numerics.Tensors.TensorPrimitives.Multiply(g.Data, (float)coef, g.Data);
        return total;
    }

    /// <summary>Clamps every gradient element to [−clip, clip].</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        if (!(clipValue >= 0)) throw new ArgumentException($"clip_grad_value: clip_value must be non-negative, got {clipValue}");
        float c = (float)clipValue;
        foreach (var p in parameters)
            if (p.Grad != null) System.Numerics.Tensors.TensorPrimitives.Clamp(p.Grad.Data, -c, c, p.Grad.Data);
    }

    public static double ClipGradNorm(Module m, double maxNorm, double normType = 2) => ClipGradNorm(m.Parameters(), maxNorm, normType);
}
