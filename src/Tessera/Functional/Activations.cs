using System.Numerics.Tensors;

namespace Tessera;

public static partial class F
{
    /// <summary>max(0, x).</summary>
    public static Tensor Relu(Tensor x) => Unary(x, "relu",
        (s, d) => TensorPrimitives.Max(s, 0f, d),
        (x, y, g) => ReluGrad(g, x));

    /// <summary>g where x &gt; 0, else 0, in SIMD lanes (the transformer feed-forward and every CNN run it on millions of values).</summary>
    private static Tensor ReluGrad(Tensor g, Tensor x)
    {
        var o = BufferPool.Rent(g.Numel);
        Kernels.Vec.ZeroWhereNotPositive(x.FloatArray, g.FloatArray, o);
        return new Tensor(x.Shape, o);
    }

    /// <summary>1 / (1 + e^−x).</summary>
    public static Tensor Sigmoid(Tensor x) => Unary(x, "sigmoid",
        (s, d) => TensorPrimitives.Sigmoid(s, d),
        (x, y, g) => Zip(g, y, (gv, yv) => gv * yv * (1 - yv)));

    /// <summary>tanh x.</summary>
    public static Tensor Tanh(Tensor x) => Unary(x, "tanh",
        (s, d) => TensorPrimitives.Tanh(s, d),
        (x, y, g) => Zip(g, y, (gv, yv) => gv * (1 - yv * yv)));

    /// <summary>Heaviside step: 1 where x &gt; 0, else 0. Gradient 0.</summary>
    public static Tensor Step(Tensor x) => Unary(x, "step",
        (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = s[i] > 0 ? 1f : 0f; },
        (x, y, g) => Tensor.ZerosLike(x));

    /// <summary>sign x ∈ {−1, 0, 1}. Gradient 0.</summary>
    public static Tensor Sign(Tensor x) => Unary(x, "sign",
        (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = float.IsNaN(s[i]) ? float.NaN : MathF.Sign(s[i]); },
        (x, y, g) => Tensor.ZerosLike(x));

    /// <summary>x where x &gt; 0, else slope·x.</summary>
    public static Tensor LeakyRelu(Tensor x, float negativeSlope = 0.01f) => Unary(x, "leaky_relu",
        (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = s[i] > 0 ? s[i] : negativeSlope * s[i]; },
        (x, y, g) => Zip(g, x, (gv, xv) => xv > 0 ? gv : negativeSlope * gv));

    /// <summary>x where x &gt; 0, else α(eˣ − 1).</summary>
    public static Tensor Elu(Tensor x, float alpha = 1f) => Unary(x, "elu",
        (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = s[i] > 0 ? s[i] : alpha * (MathF.Exp(s[i]) - 1); },
        (x, y, g) => Zip(g, x, (gv, xv) => xv > 0 ? gv : gv * alpha * MathF.Exp(xv)));

    /// <summary>SELU (Klambauer et al. 2017): scale·(max(0,x) + min(0, α(eˣ−1))).</summary>
    public static Tensor Selu(Tensor x)
    {
        const float alpha = 1.6732632423543772f, scale = 1.0507009873554805f;
        return Unary(x, "selu",
            (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = scale * (s[i] > 0 ? s[i] : alpha * (MathF.Exp(s[i]) - 1)); },
            (x, y, g) => Zip(g, x, (gv, xv) => gv * scale * (xv > 0 ? 1 : alpha * MathF.Exp(xv))));
    }

    /// <summary>GELU (Hendrycks &amp; Gimpel 2016): exact x·Φ(x), or the tanh approximation when <paramref name="approximate"/> is "tanh".</summary>
    public static Tensor Gelu(Tensor x, string approximate = "none")
    {
        const double k = 0.7978845608028654; // √(2/π)
        if (approximate == "tanh")
            return Unary(x, "gelu_tanh",
                (s, d) => { for (int i = 0; i < d.Length; i++) { double v = s[i]; d[i] = (float)(0.5 * v * (1 + Math.Tanh(k * (v + 0.044715 * v * v * v)))); } },
                (x, y, g) => Zip(g, x, (gv, xv) =>
                {
                    double v = xv, u = k * (v + 0.044715 * v * v * v), t = Math.Tanh(u);
                    return (float)(gv * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * k * (1 + 3 * 0.044715 * v * v)));
                }));
        if (approximate != "none") throw new ArgumentException($"GELU: approximate must be \"none\" or \"tanh\", got \"{approximate}\"");
        return Unary(x, "gelu",
            (s, d) => { for (int i = 0; i < d.Length; i++) { double v = s[i]; d[i] = (float)(v * Phi(v)); } },
            (x, y, g) => Zip(g, x, (gv, xv) => (float)(gv * (Phi(xv) + xv * Math.Exp(-0.5 * xv * xv) / Math.Sqrt(2 * Math.PI)))));
    }

    private static double Phi(double v) => 0.5 * (1 + MathUtil.Erf(v / Math.Sqrt(2)));

    /// <summary>x·σ(x) (a.k.a. swish).</summary>
    public static Tensor Silu(Tensor x) => Unary(x, "silu",
        (s, d) => { TensorPrimitives.Sigmoid(s, d); TensorPrimitives.Multiply(s, d, d); },
        (x, y, g) => Zip(g, x, (gv, xv) => { float sg = 1 / (1 + MathF.Exp(-xv)); return gv * sg * (1 + xv * (1 - sg)); }));

    /// <summary>(1/β)·log(1 + e^{βx}), and x where βx &gt; threshold.</summary>
    public static Tensor Softplus(Tensor x, float beta = 1f, float threshold = 20f) => Unary(x, "softplus",
        (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = s[i] * beta > threshold ? s[i] : SoftplusValue(s[i] * beta) / beta; },
        (x, y, g) => Zip(g, x, (gv, xv) => xv * beta > threshold ? gv : gv / (1 + MathF.Exp(-beta * xv))));

    /// <summary>log(1 + eᶻ) without overflow.</summary>
    internal static float SoftplusValue(float z) => z > 0 ? z + MathF.Log(1 + MathF.Exp(-z)) : MathF.Log(1 + MathF.Exp(z));

    /// <summary>Clamp to [min, max]; gradient 0 outside.</summary>
    public static Tensor Hardtanh(Tensor x, float minVal = -1f, float maxVal = 1f)
    {
        if (minVal > maxVal) throw new ArgumentException($"Hardtanh: min_val {minVal} is greater than max_val {maxVal}");
        return Unary(x, "hardtanh",
            (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = Math.Clamp(s[i], minVal, maxVal); },
            (x, y, g) => Zip(g, x, (gv, xv) => xv > minVal && xv < maxVal ? gv : 0f));
    }

    /// <summary>min(max(0, x), 6).</summary>
    public static Tensor Relu6(Tensor x) => Hardtanh(x, 0f, 6f);

    /// <summary>x·tanh(softplus(x)) (Misra 2019).</summary>
    public static Tensor Mish(Tensor x) => Unary(x, "mish",
        (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = s[i] * MathF.Tanh(SoftplusValue(s[i])); },
        (x, y, g) => Zip(g, x, (gv, xv) =>
        {
            float t = MathF.Tanh(SoftplusValue(xv)), sg = 1 / (1 + MathF.Exp(-xv));
            return gv * (t + xv * (1 - t * t) * sg);
        }));

    /// <summary>x / (1 + |x|).</summary>
    public static Tensor Softsign(Tensor x) => Unary(x, "softsign",
        (s, d) => { for (int i = 0; i < d.Length; i++) d[i] = s[i] / (1 + MathF.Abs(s[i])); },
        (x, y, g) => Zip(g, x, (gv, xv) => { float q = 1 + MathF.Abs(xv); return gv / (q * q); }));

    /// <summary>x where x &gt; 0, else a_c·x, with one slope per channel (dim 1) or one shared slope.</summary>
    public static Tensor Prelu(Tensor x, Tensor weight)
    {
        RequireFloat(x, "prelu");
        int c = weight.Numel;
        if (weight.Rank != 1) throw new ArgumentException($"PReLU: weight must be 1-d, got {ShapeUtil.Format(weight.Dims)}");
        if (c != 1 && (x.Rank < 2 || x.Dims[1] != c))
            throw new ArgumentException($"PReLU(num_parameters={c}): input must have {c} channels in dim 1, got shape {ShapeUtil.Format(x.Dims)}");
        int inner = 1; for (int i = 2; i < x.Rank; i++) inner *= x.Dims[i];
        int channels = x.Rank >= 2 ? x.Dims[1] : 1;
        int ChannelOf(int i) => c == 1 ? 0 : (i / inner) % channels;
        var xv = x.F32!; var w = weight.F32!; var y = BufferPool.RentZeroed(xv.Length);
        for (int i = 0; i < y.Length; i++) y[i] = xv[i] > 0 ? xv[i] : w[ChannelOf(i)] * xv[i];
        return Record("prelu", new Tensor(x.Shape, y), g =>
        {
            var gv = g.F32!; var gx = BufferPool.RentZeroed(xv.Length); var gw = new double[c];
            for (int i = 0; i < gx.Length; i++)
            {
                if (xv[i] > 0) gx[i] = gv[i];
                else { int ch = ChannelOf(i); gx[i] = w[ch] * gv[i]; gw[ch] += gv[i] * xv[i]; }
            }
            return [new Tensor(x.Shape, gx), new Tensor(weight.Shape, gw.Select(v => (float)v).ToArray())];
        }, x, weight);
    }
}
