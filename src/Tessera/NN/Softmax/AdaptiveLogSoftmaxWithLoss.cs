namespace Tessera.NN;

/// <summary>
/// Adaptive softmax (Grave et al. 2017) as torch.nn.AdaptiveLogSoftmaxWithLoss: a head over the cutoffs[0] frequent
/// classes plus one logit per tail cluster; cluster i (classes ext[i]..ext[i+1]−1, ext = cutoffs + [n_classes]) has
/// a low-rank tail Linear(in, hsz_i) → Linear(hsz_i, osz_i) with hsz_i = floor(in / div_value^(i+1)).
/// log p(t) = head[t] for t &lt; cutoffs[0], else head[cutoffs[0] + i] + log_softmax(tail_i)[t − ext[i]].
/// Parameters head.weight (and head.bias when head_bias), tail.{i}.0.weight, tail.{i}.1.weight.
/// </summary>
public sealed class AdaptiveLogSoftmaxWithLoss : Module
{
    public int InFeatures { get; }
    public int NClasses { get; }
    public int[] Cutoffs { get; }          // cutoffs + [n_classes]
    public float DivValue { get; }
    public int ShortlistSize => Cutoffs[0];
    public int NClusters => Cutoffs.Length - 1;
    public Linear Head { get; }
    public ModuleList Tail { get; }

    public AdaptiveLogSoftmaxWithLoss(int inFeatures, int nClasses, IReadOnlyList<int> cutoffs, float divValue = 4f, bool headBias = false)
    {
        string me = $"AdaptiveLogSoftmaxWithLoss(in_features={inFeatures}, n_classes={nClasses}, cutoffs=[{string.Join(", ", cutoffs)}])";
        bool sorted = cutoffs.Zip(cutoffs.Skip(1)).All(p => p.First < p.Second);
        if (cutoffs.Count == 0 || !sorted || cutoffs.Min() <= 0 || cutoffs.Max() > nClasses - 1)
            throw new ArgumentException($"{me}: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1");
        InFeatures = inFeatures; NClasses = nClasses; DivValue = divValue;
        Cutoffs = cutoffs.Append(nClasses).ToArray();
        Head = RegisterModule("head", new Linear(inFeatures, ShortlistSize + NClusters, headBias));
        Tail = RegisterModule("tail", new ModuleList());
        for (int i = 0; i < NClusters; i++)
        {
            int hsz = (int)PyFloorDiv(inFeatures, Math.Pow(divValue, i + 1));
            int osz = Cutoffs[i + 1] - Cutoffs[i];
            Tail.Add(new Sequential(new TailLinear(inFeatures, hsz), new TailLinear(hsz, osz)));
        }
    }

    /// <summary>Python's float floor division a // b (CPython float_divmod), so the tail sizes match PyTorch's exactly.</summary>
    internal static double PyFloorDiv(double a, double b)
    {
        double mod = a % b;   // C fmod, as CPython
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) div -= 1;
        double floor = Math.Floor(div);
        if (div - floor > 0.5) floor += 1;
        return floor;
    }

    /// <summary>(output [N] = log p(target), loss [] = mean(−output)) for input [N, in] and target int64 [N] (unbatched: [in] and []).</summary>
    public (Tensor Output, Tensor Loss) Forward(Tensor input, Tensor target)
    {
        string me = $"{Name}(in_features={InFeatures}, n_classes={NClasses})";
        bool unbatched = input.Rank == 1;
        if (unbatched ? target.Rank != 0 : input.Rank != 2 || target.Rank != 1 || target.Dims[0] != input.Dims[0])
            throw new ArgumentException($"{me}: input and target should have shapes [N, in] and [N] (or [in] and []), got {ShapeUtil.Format(input.Dims)} and {ShapeUtil.Format(target.Dims)}");
        if (input.Dims[^1] != InFeatures) throw new ArgumentException($"{me}: input has {input.Dims[^1]} features (shape {ShapeUtil.Format(input.Dims)})");
        if (target.DType != DType.Int64) throw new ArgumentException($"{me}: target must be int64, got {DTypes.Name(target.DType)}");
        var x = unbatched ? F.Unsqueeze(input, 0) : input;
        var t = target.LongData.ToArray();
        int n = t.Length;
        if (t.Any(v => v < 0 || v >= NClasses))
            throw new ArgumentException($"{me}: target values should be in [0, {NClasses - 1}], but values in range [{t.Min()}, {t.Max()}] were found");

        // Head: the shortlist class itself, or the cluster's logit.
        var headIndex = new long[n];
        Tensor? tailPart = null;
        for (int i = 0; i < n; i++) headIndex[i] = t[i] < ShortlistSize ? t[i] : ShortlistSize + Cluster(t[i]);
        for (int c = 0; c < NClusters; c++)
        {
            var rows = Enumerable.Range(0, n).Where(i => t[i] >= Cutoffs[c] && t[i] < Cutoffs[c + 1]).ToArray();
            if (rows.Length == 0) continue;
            var rowIdx = Tensor.FromLongs(rows.Select(r => (long)r).ToArray());
            var local = F.LogSoftmax(((Sequential)Tail[c]).Forward(F.IndexSelect(x, 0, rowIdx)), 1);
            var rel = Tensor.FromLongs(rows.Select(r => t[r] - Cutoffs[c]).ToArray(), rows.Length, 1);
            var picked = F.Reshape(F.Gather(local, 1, rel), rows.Length);
            var basis = tailPart ?? Tensor.Zeros(n);
            tailPart = F.ScatterAdd(basis, 0, rowIdx, picked);
        }
        var head = F.LogSoftmax(Head.Forward(x), 1);
        var output = F.Reshape(F.Gather(head, 1, Tensor.FromLongs(headIndex, n, 1)), n);
        if (tailPart != null) output = F.Add(output, tailPart);
        var loss = F.Mean(F.Neg(output));
        return (unbatched ? F.Reshape(output, []) : output, loss);
    }

    /// <summary>log p of every class [N, n_classes] for input [N, in].</summary>
    public Tensor LogProb(Tensor input)
    {
        if (input.Rank != 2 || input.Dims[1] != InFeatures)
            throw new ArgumentException($"{Name}(in_features={InFeatures}): input must be [N, {InFeatures}], got {ShapeUtil.Format(input.Dims)}");
        var head = F.LogSoftmax(Head.Forward(input), 1);
        var parts = new List<Tensor> { F.Narrow(head, 1, 0, ShortlistSize) };
        for (int c = 0; c < NClusters; c++)
        {
            var local = F.LogSoftmax(((Sequential)Tail[c]).Forward(input), 1);
            parts.Add(F.Add(local, F.Narrow(head, 1, ShortlistSize + c, 1)));
        }
        return F.Cat(parts, 1);
    }

    /// <summary>The most likely class of each row [N] (int64).</summary>
    public Tensor Predict(Tensor input)
    {
        using var _ = GradMode.NoGrad();
        return F.ArgMax(LogProb(input), 1);
    }

    private int Cluster(long t)
    {
        for (int c = 0; c < NClusters; c++) if (t < Cutoffs[c + 1]) return c;
        return NClusters - 1;
    }

    public override string ExtraRepr() => $"in_features={InFeatures}, n_classes={NClasses}, cutoffs=[{string.Join(", ", Cutoffs[..^1])}], div_value={DivValue}";
}

/// <summary>
/// A bias-free linear map of a tail cluster, weight [out, in] (PyTorch's Linear initialisation). Unlike <see cref="Linear"/>
/// it accepts a size of 0, as PyTorch does when in_features // div_value^(i+1) is 0: the map is then the constant zero
/// and that cluster's log-softmax is uniform.
/// </summary>
internal sealed class TailLinear : Module
{
    public Parameter Weight { get; }

    public TailLinear(int inFeatures, int outFeatures)
    {
        Weight = RegisterParameter("weight", Tensor.Empty(outFeatures, inFeatures));
        if (inFeatures > 0 && outFeatures > 0) Init.KaimingUniform(Weight, a: Math.Sqrt(5));
    }

    public override Tensor Forward(Tensor x)
    {
        int outF = Weight.Dims[0], inF = Weight.Dims[1];
        if (inF > 0 && outF > 0) return F.Linear(x, Weight);
        return Tensor.Zeros(x.Dims[..^1].Append(outF).ToArray());
    }

    public override string Name => "Linear";
    public override string ExtraRepr() => $"in_features={Weight.Dims[1]}, out_features={Weight.Dims[0]}, bias=False";
}
