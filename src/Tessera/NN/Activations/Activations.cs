namespace Tessera.NN;

// Element-wise activation layers: each keeps the input's shape and calls its F op (formulas there).

/// <summary>max(0, x).</summary>
public sealed class ReLU : Module { public override Tensor Forward(Tensor x) => F.Relu(x); }

/// <summary>1 / (1 + e^−x).</summary>
public sealed class Sigmoid : Module { public override Tensor Forward(Tensor x) => F.Sigmoid(x); }

/// <summary>tanh x.</summary>
public sealed class Tanh : Module { public override Tensor Forward(Tensor x) => F.Tanh(x); }

/// <summary>Heaviside step (1 where x &gt; 0); zero gradient.</summary>
public sealed class Step : Module { public override Tensor Forward(Tensor x) => F.Step(x); }

/// <summary>sign x; zero gradient.</summary>
public sealed class Sign : Module { public override Tensor Forward(Tensor x) => F.Sign(x); }

/// <summary>x where x &gt; 0, else slope·x.</summary>
public sealed class LeakyReLU(float negativeSlope = 0.01f) : Module
{
    public float NegativeSlope { get; } = negativeSlope;
    public override Tensor Forward(Tensor x) => F.LeakyRelu(x, NegativeSlope);
    public override string ExtraRepr() => $"negative_slope={NegativeSlope}";
}

/// <summary>x where x &gt; 0, else α(eˣ − 1).</summary>
public sealed class ELU(float alpha = 1f) : Module
{
    public float Alpha { get; } = alpha;
    public override Tensor Forward(Tensor x) => F.Elu(x, Alpha);
    public override string ExtraRepr() => $"alpha={Alpha}";
}

/// <summary>x·Φ(x), exact ("none") or tanh approximation ("tanh").</summary>
public sealed class GELU : Module
{
    public string Approximate { get; }
    public GELU(string approximate = "none")
    {
        if (approximate != "none" && approximate != "tanh") throw new ArgumentException($"GELU: approximate must be \"none\" or \"tanh\", got \"{approximate}\"");
        Approximate = approximate;
    }
    public override Tensor Forward(Tensor x) => F.Gelu(x, Approximate);
    public override string ExtraRepr() => $"approximate='{Approximate}'";
}

/// <summary>x·σ(x).</summary>
public sealed class SiLU : Module { public override Tensor Forward(Tensor x) => F.Silu(x); }

/// <summary>(1/β)·log(1 + e^{βx}), linear above the threshold.</summary>
public sealed class Softplus : Module
{
    public float Beta { get; }
    public float Threshold { get; }
    public Softplus(float beta = 1f, float threshold = 20f)
    {
        if (beta == 0) throw new ArgumentException("Softplus: beta must not be 0");
        (Beta, Threshold) = (beta, threshold);
    }
    public override Tensor Forward(Tensor x) => F.Softplus(x, Beta, Threshold);
    public override string ExtraRepr() => $"beta={Beta}, threshold={Threshold}";
}

/// <summary>Clamp to [min_val, max_val].</summary>
public sealed class Hardtanh : Module
{
    public float MinVal { get; }
    public float MaxVal { get; }
    public Hardtanh(float minVal = -1f, float maxVal = 1f)
    {
        if (minVal > maxVal) throw new ArgumentException($"Hardtanh: min_val {minVal} must not exceed max_val {maxVal}");
        (MinVal, MaxVal) = (minVal, maxVal);
    }
    public override Tensor Forward(Tensor x) => F.Hardtanh(x, MinVal, MaxVal);
    public override string ExtraRepr() => $"min_val={MinVal}, max_val={MaxVal}";
}

/// <summary>min(max(0, x), 6).</summary>
public sealed class ReLU6 : Module { public override Tensor Forward(Tensor x) => F.Relu6(x); }

/// <summary>Self-normalising ELU.</summary>
public sealed class SELU : Module { public override Tensor Forward(Tensor x) => F.Selu(x); }

/// <summary>x·tanh(softplus(x)).</summary>
public sealed class Mish : Module { public override Tensor Forward(Tensor x) => F.Mish(x); }

/// <summary>x / (1 + |x|).</summary>
public sealed class Softsign : Module { public override Tensor Forward(Tensor x) => F.Softsign(x); }

/// <summary>Leaky ReLU with learned slopes: one shared, or one per channel (dim 1). Param weight [num_parameters].</summary>
public sealed class PReLU : Module
{
    public Parameter Weight { get; }
    public PReLU(int numParameters = 1, float init = 0.25f)
    {
        if (numParameters <= 0) throw new ArgumentOutOfRangeException(nameof(numParameters), $"PReLU: num_parameters must be positive, got {numParameters}");
        Weight = RegisterParameter("weight", Tensor.Full([numParameters], init));
    }
    public override Tensor Forward(Tensor x) => F.Prelu(x, Weight);
    public override string ExtraRepr() => $"num_parameters={Weight.Numel}";
}

/// <summary>Softmax along a dim.</summary>
public sealed class Softmax(int dim) : Module
{
    public int Dim { get; } = dim;
    public override Tensor Forward(Tensor x) => F.Softmax(x, Dim);
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>Log-softmax along a dim.</summary>
public sealed class LogSoftmax(int dim) : Module
{
    public int Dim { get; } = dim;
    public override Tensor Forward(Tensor x) => F.LogSoftmax(x, Dim);
    public override string ExtraRepr() => $"dim={Dim}";
}
