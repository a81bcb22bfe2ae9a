namespace Tessera.Tests;

/// <summary>
/// Central-difference gradient check with a random (non-uniform) cotangent: L = Σ f(x)·c. Backpropagating only
/// .sum() would hide transpose and permute bugs, so the cotangent is random.
/// </summary>
public static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-2, double rtol = 2e-2, double atol = 2e-3, int seed = 1)
    {
        var gen = new Generator((ulong)seed);
        foreach (var x in inputs) if (x.DType == DType.Float32) x.RequiresGrad = true;
        var y = f(inputs);
        var cot = Tensor.Randn(y.Shape, gen);
        foreach (var x in inputs) x.Grad = null;
        F.Sum(F.Mul(y, cot)).Backward();
        double Loss()
        {
            using var _ = GradMode.NoGrad();
            var o = f(inputs).Data; var c = cot.Data; double s = 0;
            for (int i = 0; i < o.Length; i++) s += (double)o[i] * c[i];
            return s;
        }
        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            if (x.DType != DType.Float32) continue;
            var analytic = x.Grad?.ToArray() ?? new float[x.Numel];
            var d = x.Data;
            for (int i = 0; i < d.Length; i++)
            {
                float orig = d[i];
                d[i] = (float)(orig + eps); double lp = Loss();
                d[i] = (float)(orig - eps); double lm = Loss();
                d[i] = orig;
                double numeric = (lp - lm) / (2 * eps);
                double tol = atol + rtol * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i]));
                Assert.True(Math.Abs(numeric - analytic[i]) <= tol,
                    $"input {k} index {i}: analytic {analytic[i]:G6}, numeric {numeric:G6}");
            }
        }
    }

    /// <summary>Random values kept at least <paramref name="margin"/> away from 0 (the kinks of ReLU-like ops).</summary>
    public static Tensor AwayFromZero(int[] shape, int seed, float margin = 0.05f)
    {
        var t = Tensor.Randn(shape, new Generator((ulong)seed));
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) if (MathF.Abs(d[i]) < margin) d[i] = d[i] < 0 ? -margin - 0.1f : margin + 0.1f;
        return t;
    }
}
