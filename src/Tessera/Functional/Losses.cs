namespace Tessera;

/// <summary>How a loss reduces its per-element values: none (keep them), mean, sum, or batchmean (sum / batch size; KL divergence).</summary>
public enum Reduction { None, Mean, Sum, BatchMean }

public static partial class F
{
    /// <summary>Parses PyTorch's reduction names ("none", "mean", "sum", "batchmean").</summary>
    public static Reduction ParseReduction(string s) => s switch
    {
        "none" => Reduction.None,
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "batchmean" => Reduction.BatchMean,
        _ => throw new ArgumentException($"reduction must be \"none\", \"mean\", \"sum\" or \"batchmean\", got \"{s}\""),
    };

    private static Tensor ReduceLoss(Tensor perElement, Reduction r, string op) => r switch
    {
        Reduction.None => perElement,
        Reduction.Sum => Sum(perElement),
        Reduction.Mean => Mean(perElement),
        Reduction.BatchMean => Mul(Sum(perElement), 1f / Math.Max(1, perElement.Rank == 0 ? 1 : perElement.Dims[0])),
        _ => throw new ArgumentException($"{op}: unknown reduction {r}"),
    };

    private static void SameShapes(Tensor a, Tensor b, string op)
    {
        if (!ShapeUtil.SameShape(a.Dims, b.Dims))
            throw new ArgumentException($"{op}: input shape {ShapeUtil.Format(a.Dims)} and target shape {ShapeUtil.Format(b.Dims)} differ");
    }

    /// <summary>
    /// Cross-entropy of logits [N, C] or [N, C, d1, ...] against int64 class targets [N] or [N, d1, ...]: log-softmax
    /// over dim 1 then NLL. With label smoothing ε: (1−ε)·nll + ε·mean over classes of −log p. Targets equal to
    /// <paramref name="ignoreIndex"/> contribute 0 and are not counted by the mean. One fused op forward and backward.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, float labelSmoothing = 0f, long ignoreIndex = -100)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1) throw new ArgumentException($"CrossEntropyLoss: label_smoothing must be in [0, 1], got {labelSmoothing}");
        var logp = LogSoftmax(logits, Math.Min(1, logits.Rank - 1));
        return NllCore(logp, target, reduction, ignoreIndex, labelSmoothing, "CrossEntropyLoss");
    }

    /// <summary>Negative log-likelihood of log-probabilities [N, C] (or [N, C, d...]) at int64 targets.</summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Reduction reduction = Reduction.Mean, long ignoreIndex = -100)
        => NllCore(logProbs, target, reduction, ignoreIndex, 0f, "NLLLoss");

    private static Tensor NllCore(Tensor logp, Tensor target, Reduction reduction, long ignoreIndex, float eps, string op)
    {
        RequireFloat(logp, op);
        if (target.DType != DType.Int64) throw new ArgumentException($"{op}: target must be int64 class indices, got {DTypes.Name(target.DType)}");
        if (reduction == Reduction.BatchMean) throw new ArgumentException($"{op}: reduction \"batchmean\" is only for KLDivLoss");
        bool unbatched = logp.Rank == 1;
        var lp = unbatched ? Unsqueeze(logp, 0) : logp;
        var tg = unbatched ? Reshape(target, 1) : target;
        int n = lp.Dims[0], c = lp.Dims[1];
        var expectT = lp.Dims.Where((_, i) => i != 1).ToArray();
        if (!ShapeUtil.SameShape(tg.Dims, expectT))
            throw new ArgumentException($"{op}: input of shape {ShapeUtil.Format(logp.Dims)} needs a target of shape {ShapeUtil.Format(expectT)}, got {ShapeUtil.Format(target.Dims)}");
        int inner = 1; for (int i = 2; i < lp.Rank; i++) inner *= lp.Dims[i];
        var t = tg.I64!; var x = lp.F32!;
        var per = BufferPool.RentZeroed(t.Length); int counted = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < inner; k++)
            {
                int pos = i * inner + k; long cls = t[pos];
                if (cls == ignoreIndex) continue;
                if (cls < 0 || cls >= c) throw new ArgumentOutOfRangeException(nameof(target), $"{op}: target {cls} is out of range for {c} classes");
                counted++;
                double v = -(1 - eps) * x[(i * c + cls) * inner + k];
                if (eps > 0) { double s = 0; for (int j = 0; j < c; j++) s += x[(i * c + j) * inner + k]; v -= eps / c * s; }
                per[pos] = (float)v;
            }
        float scale = reduction == Reduction.Mean ? 1f / counted : 1f;
        Tensor result;
        if (reduction == Reduction.None) result = new Tensor(tg.Shape, per);
        else { double s = 0; foreach (var v in per) s += v; result = Tensor.Scalar((float)(s * scale)); }
        if (reduction == Reduction.None && unbatched) result = result.WithShape([], false);
        var lpShape = lp.Shape;
        var node = Record(op, result, g =>
        {
            var gv = g.F32!; var gx = BufferPool.RentZeroed(x.Length);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < inner; k++)
                {
                    int pos = i * inner + k; long cls = t[pos];
                    if (cls == ignoreIndex) continue;
                    float gp = (reduction == Reduction.None ? gv[pos] : gv[0]) * scale;
                    gx[(i * c + cls) * inner + k] -= (1 - eps) * gp;
                    if (eps > 0) for (int j = 0; j < c; j++) gx[(i * c + j) * inner + k] -= eps / c * gp;
                }
            return [new Tensor(lpShape, gx)];
        }, lp);
        return node;
    }

    /// <summary>Mean squared error; both inputs get gradients.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShapes(input, target, "MSELoss");
        return ReduceLoss(Square(Sub(input, target)), reduction, "MSELoss");
    }

    /// <summary>Mean absolute error.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShapes(input, target, "L1Loss");
        return ReduceLoss(Abs(Sub(input, target)), reduction, "L1Loss");
    }

    /// <summary>0.5·d²/β where |d| &lt; β, else |d| − 0.5β (Girshick 2015).</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, float beta = 1f)
    {
        SameShapes(input, target, "SmoothL1Loss");
        if (beta < 0) throw new ArgumentException($"SmoothL1Loss: beta must be non-negative, got {beta}");
        var d = Sub(input, target);
        var per = Unary(d, "smooth_l1",
            (s, o) => { for (int i = 0; i < o.Length; i++) { float a = MathF.Abs(s[i]); o[i] = a < beta ? 0.5f * s[i] * s[i] / beta : a - 0.5f * beta; } },
            (x, y, g) => Zip(g, x, (gv, dv) => MathF.Abs(dv) < beta ? gv * dv / beta : gv * MathF.Sign(dv)));
        return ReduceLoss(per, reduction, "SmoothL1Loss");
    }

    /// <summary>0.5·d² where |d| ≤ δ, else δ(|d| − 0.5δ) (Huber 1964).</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, float delta = 1f)
    {
        SameShapes(input, target, "HuberLoss");
        if (delta <= 0) throw new ArgumentException($"HuberLoss: delta must be positive, got {delta}");
        var d = Sub(input, target);
        var per = Unary(d, "huber",
            (s, o) => { for (int i = 0; i < o.Length; i++) { float a = MathF.Abs(s[i]); o[i] = a <= delta ? 0.5f * s[i] * s[i] : delta * (a - 0.5f * delta); } },
            (x, y, g) => Zip(g, x, (gv, dv) => MathF.Abs(dv) <= delta ? gv * dv : gv * delta * MathF.Sign(dv)));
        return ReduceLoss(per, reduction, "HuberLoss");
    }

    /// <summary>Binary cross-entropy of probabilities p ∈ (0,1): −(y·log p + (1−y)·log(1−p)), each log clamped at −100 as PyTorch.</summary>
    public static Tensor BinaryCrossEntropy(Tensor p, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShapes(p, target, "BCELoss");
        RequireFloat(p, "BCELoss"); RequireFloat(target, "BCELoss", "target");
        foreach (var v in p.F32!) if (!(v >= 0 && v <= 1)) throw new ArgumentException($"BCELoss: input values must be probabilities in [0, 1], found {v}");
        var per = Zip(p, target, (pv, yv) => -(yv * MathF.Max(MathF.Log(pv), -100f) + (1 - yv) * MathF.Max(MathF.Log(1 - pv), -100f)));
        var node = Record("bce", per, g =>
        [
            p.RequiresGrad ? Zip(g, p, target, (gv, pv, yv) => gv * (pv - yv) / MathF.Max((1 - pv) * pv, 1e-12f)) : null,
            target.RequiresGrad ? Zip(g, p, (gv, pv) => gv * (MathF.Max(MathF.Log(1 - pv), -100f) - MathF.Max(MathF.Log(pv), -100f))) : null,
        ], p, target);
        return ReduceLoss(node, reduction, "BCELoss");
    }

    /// <summary>Binary cross-entropy on logits, stable for large |x|: max(x,0) − x·y + log(1 + e^{−|x|}).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean)
    {
        SameShapes(logits, target, "BCEWithLogitsLoss");
        RequireFloat(logits, "BCEWithLogitsLoss"); RequireFloat(target, "BCEWithLogitsLoss", "target");
        var per = Zip(logits, target, (x, y) => MathF.Max(x, 0) - x * y + MathF.Log(1 + MathF.Exp(-MathF.Abs(x))));
        var node = Record("bce_with_logits", per, g =>
        [
            logits.RequiresGrad ? Zip(g, logits, target, (gv, x, y) => gv * (1 / (1 + MathF.Exp(-x)) - y)) : null,
            target.RequiresGrad ? Zip(g, logits, (gv, x) => -gv * x) : null,
        ], logits, target);
        return ReduceLoss(node, reduction, "BCEWithLogitsLoss");
    }

    /// <summary>KL divergence with input as log-probabilities: target·(log target − input), 0 where target is 0; or, with <paramref name="logTarget"/>, e^t·(t − input).</summary>
    public static Tensor KlDivLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
    {
        SameShapes(input, target, "KLDivLoss");
        RequireFloat(input, "KLDivLoss"); RequireFloat(target, "KLDivLoss", "target");
        var per = logTarget
            ? Zip(input, target, (x, t) => MathF.Exp(t) * (t - x))
            : Zip(input, target, (x, t) => t > 0 ? t * (MathF.Log(t) - x) : 0f);
        var node = Record("kl_div", per, g =>
        [
            input.RequiresGrad ? (logTarget ? Zip(g, target, (gv, t) => -gv * MathF.Exp(t)) : Zip(g, target, (gv, t) => -gv * t)) : null,
            target.RequiresGrad ? (logTarget
                ? Zip(g, input, target, (gv, x, t) => gv * MathF.Exp(t) * (t - x + 1))
                : Zip(g, input, target, (gv, x, t) => t > 0 ? gv * (MathF.Log(t) - x + 1) : 0f)) : null,
        ], input, target);
        return ReduceLoss(node, reduction, "KLDivLoss");
    }
}
