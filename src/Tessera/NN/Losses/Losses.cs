namespace Tessera.NN;

// Loss layers: each holds its configuration and calls its F op (formulas there). Forward(input, target).

/// <summary>Base of loss layers: two inputs, a reduction.</summary>
public abstract class Loss(Reduction reduction) : Module
{
    public Reduction Reduction { get; } = reduction;
    public abstract Tensor Forward(Tensor input, Tensor target);
}

/// <summary>Log-softmax over dim 1 then NLL; label smoothing and ignore_index as PyTorch. Logits [N, C, *], targets int64 [N, *].</summary>
public sealed class CrossEntropyLoss(Reduction reduction = Reduction.Mean, float labelSmoothing = 0f, long ignoreIndex = -100) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.CrossEntropy(input, target, Reduction, labelSmoothing, ignoreIndex);
}

/// <summary>−log p[target] of log-probabilities [N, C, *].</summary>
public sealed class NLLLoss(Reduction reduction = Reduction.Mean, long ignoreIndex = -100) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.NllLoss(input, target, Reduction, ignoreIndex);
}

/// <summary>Mean squared error.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.MseLoss(input, target, Reduction);
}

/// <summary>Mean absolute error.</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.L1Loss(input, target, Reduction);
}

/// <summary>Quadratic below β, linear above.</summary>
public sealed class SmoothL1Loss(Reduction reduction = Reduction.Mean, float beta = 1f) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.SmoothL1Loss(input, target, Reduction, beta);
}

/// <summary>Quadratic below δ, δ-scaled linear above.</summary>
public sealed class HuberLoss(Reduction reduction = Reduction.Mean, float delta = 1f) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.HuberLoss(input, target, Reduction, delta);
}

/// <summary>Binary cross-entropy on probabilities.</summary>
public sealed class BCELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropy(input, target, Reduction);
}

/// <summary>Binary cross-entropy on logits (stable).</summary>
public sealed class BCEWithLogitsLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropyWithLogits(input, target, Reduction);
}

/// <summary>KL divergence of log-probability inputs from (log-)probability targets.</summary>
public sealed class KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.KlDivLoss(input, target, Reduction, logTarget);
}
