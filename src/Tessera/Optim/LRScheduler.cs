namespace Tessera.Optim;

/// <summary>
/// Base of learning-rate schedules: each <see cref="Step"/> advances the epoch counter and sets every group's lr.
/// Rules follow PyTorch 1.13, including its recursive (chainable) forms, so the sequence of rates matches digit for digit.
/// </summary>
public abstract class LRScheduler
{
    public Optimizer Optimizer { get; }
    public double[] BaseLrs { get; }

    /// <summary>Number of <see cref="Step"/> calls so far (PyTorch's last_epoch; 0 after construction).</summary>
    public int LastEpoch { get; private set; }

    protected LRScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer;
        foreach (var g in optimizer.ParamGroups) g.Options.TryAdd("initial_lr", g.Lr);
        BaseLrs = optimizer.ParamGroups.Select(g => g.Options["initial_lr"]).ToArray();
    }

    /// <summary>Advances one epoch (or one batch, for per-step schedules) and updates the rates.</summary>
    public void Step()
    {
        LastEpoch++;
        for (int i = 0; i < Optimizer.ParamGroups.Count; i++)
            Optimizer.ParamGroups[i].Lr = ComputeLr(i, Optimizer.ParamGroups[i].Lr);
    }

    /// <summary>The rate of group <paramref name="group"/> at <see cref="LastEpoch"/>, given its current rate.</summary>
    protected abstract double ComputeLr(int group, double current);

    /// <summary>Restores the epoch counter (the rates themselves are restored with the optimiser state).</summary>
    public void Restore(int lastEpoch) => LastEpoch = lastEpoch;

    /// <summary>The current learning rate of each group.</summary>
    public double[] CurrentLrs() => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();
}

/// <summary>Multiplies the rate by γ every <c>step_size</c> epochs.</summary>
public sealed class StepLR : LRScheduler
{
    private readonly int _stepSize; private readonly double _gamma;
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        if (stepSize <= 0) throw new ArgumentException($"StepLR: step_size must be positive, got {stepSize}");
        (_stepSize, _gamma) = (stepSize, gamma);
    }
    protected override double ComputeLr(int g, double lr) => LastEpoch % _stepSize == 0 ? lr * _gamma : lr;
}

/// <summary>Multiplies the rate by γ every epoch.</summary>
public sealed class ExponentialLR(Optimizer optimizer, double gamma) : LRScheduler(optimizer)
{
    protected override double ComputeLr(int g, double lr) => lr * gamma;
}

/// <summary>
/// Cosine annealing (Loshchilov &amp; Hutter 2017) in PyTorch's recursive form, which equals
/// η_min + (η_0 − η_min)(1 + cos(πt/T_max))/2 for t ≤ T_max and continues the cosine past it.
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    private readonly int _tMax; private readonly double _etaMin;
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : base(optimizer)
    {
        if (tMax <= 0) throw new ArgumentException($"CosineAnnealingLR: T_max must be positive, got {tMax}");
        (_tMax, _etaMin) = (tMax, etaMin);
    }
    protected override double ComputeLr(int g, double lr)
    {
        int t = LastEpoch;
        if ((t - 1 - _tMax) % (2 * _tMax) == 0)
            return lr + (BaseLrs[g] - _etaMin) * (1 - Math.Cos(Math.PI / _tMax)) / 2;
        return (1 + Math.Cos(Math.PI * t / _tMax)) / (1 + Math.Cos(Math.PI * (t - 1) / _tMax)) * (lr - _etaMin) + _etaMin;
    }
}

/// <summary>Linear warm-up: the rate goes from start_factor·lr to end_factor·lr over total_iters epochs (PyTorch's recursive form).</summary>
public sealed class LinearLR : LRScheduler
{
    private readonly double _start, _end; private readonly int _total;
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5) : base(optimizer)
    {
        if (startFactor <= 0 || startFactor > 1) throw new ArgumentException($"LinearLR: start_factor must be in (0, 1], got {startFactor}");
        if (endFactor < 0 || endFactor > 1) throw new ArgumentException($"LinearLR: end_factor must be in [0, 1], got {endFactor}");
        (_start, _end, _total) = (startFactor, endFactor, totalIters);
        foreach (var grp in optimizer.ParamGroups) grp.Lr *= startFactor;
    }
    protected override double ComputeLr(int g, double lr)
    {
        int t = LastEpoch;
        if (t > _total) return lr;
        return lr * (1 + (_end - _start) / (_total * _start + (t - 1) * (_end - _start)));
    }
}

/// <summary>
/// The 1cycle policy (Smith &amp; Topin 2019), as PyTorch's OneCycleLR without momentum cycling: from max_lr/div_factor up
/// to max_lr over pct_start of the steps, then down to initial/final_div_factor (cosine or linear); three_phase adds a
/// symmetric descent before the final annealing. Step it once per batch.
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    private readonly int _total; private readonly bool _cos;
    private readonly (double End, int From, int To)[] _phases; // From/To: 0 initial, 1 max, 2 min
    private readonly double[] _initial, _max, _min;

    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart = 0.3, string annealStrategy = "cos",
        double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false) : base(optimizer)
    {
        if (totalSteps <= 0) throw new ArgumentException($"OneCycleLR: total_steps must be positive, got {totalSteps}");
        if (pctStart < 0 || pctStart > 1) throw new ArgumentException($"OneCycleLR: pct_start must be in [0, 1], got {pctStart}");
        if (annealStrategy != "cos" && annealStrategy != "linear") throw new ArgumentException($"OneCycleLR: anneal_strategy must be \"cos\" or \"linear\", got \"{annealStrategy}\"");
        _total = totalSteps; _cos = annealStrategy == "cos";
        _phases = threePhase
            ? [(pctStart * totalSteps - 1, 0, 1), (2 * pctStart * totalSteps - 2, 1, 0), (totalSteps - 1, 0, 2)]
            : [(pctStart * totalSteps - 1, 0, 1), (totalSteps - 1, 1, 2)];
        int n = optimizer.ParamGroups.Count;
        _initial = new double[n]; _max = new double[n]; _min = new double[n];
        for (int i = 0; i < n; i++)
        {
            _max[i] = maxLr; _initial[i] = maxLr / divFactor; _min[i] = _initial[i] / finalDivFactor;
            optimizer.ParamGroups[i].Lr = _initial[i];
            optimizer.ParamGroups[i].Options["initial_lr"] = _initial[i];
        }
    }

    protected override double ComputeLr(int g, double lr)
    {
        int step = LastEpoch;
        if (step > _total) throw new InvalidOperationException($"OneCycleLR: stepped {step} times, more than total_steps {_total}");
        double start = 0;
        for (int i = 0; i < _phases.Length; i++)
        {
            var (end, from, to) = _phases[i];
            if (step <= end || i == _phases.Length - 1)
            {
                double pct = (step - start) / (end - start);
                double a = Level(from, g), b = Level(to, g);
                return _cos ? b + (a - b) / 2 * (Math.Cos(Math.PI * pct) + 1) : (b - a) * pct + a;
            }
            start = end;
        }
        return lr;
    }

    private double Level(int which, int g) => which switch { 0 => _initial[g], 1 => _max[g], _ => _min[g] };
}
