namespace Tessera.NN;

/// <summary>
/// Luong et al. 2015 local attention, 0-based positions. For query i the aligned position is p_i = i ("monotonic",
/// local-m) or p_i = Lk · σ(v_p · tanh(W_p q_i)) ("predictive", local-p); the window is the keys s with
/// |s − floor(p_i + 0.5)| ≤ D; the weights are a softmax of the dot or general scores over the window (0 outside), and in
/// predictive mode are multiplied by exp(−(s − p_i)² / (2σ²)), σ = D/2 (not renormalised; the gradient reaches W_p, v_p
/// through p_i there, never through the rounding). query [N, Lq, dq], keys [N, Lk, dk], values [N, Lk, dv] (null =
/// keys) → (context [N, Lq, dv], weights [N, Lq, Lk]). A query whose window holds no key (monotonic with i &gt; Lk − 1 + D)
/// gets weights and context 0.
/// </summary>
public sealed class LocalAttention : Module
{
    public string Mode { get; }
    public int Window { get; }
    public string ScoreKind { get; }
    public int QueryDim { get; }
    public int KeyDim { get; }
    public int? AttnDim { get; }
    public Parameter? Weight { get; }
    public Linear? PredictW { get; }
    public Linear? PredictV { get; }

    public LocalAttention(string mode, int window, string score, int queryDim, int keyDim, int? attnDim = null)
    {
        string me = $"LocalAttention(mode={mode}, window={window}, score={score})";
        if (mode != "monotonic" && mode != "predictive") throw new ArgumentException($"{me}: mode must be \"monotonic\" or \"predictive\"");
        if (score != "dot" && score != "general") throw new ArgumentException($"{me}: score must be \"dot\" or \"general\"");
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), $"{me}: window D must be ≥ 1");
        if (score == "dot" && queryDim != keyDim) throw new ArgumentException($"{me}: the dot score needs query_dim = key_dim, got {queryDim} and {keyDim}");
        if (mode == "predictive" && attnDim is not > 0) throw new ArgumentException($"{me}: predictive mode needs a positive attn_dim, got {attnDim?.ToString() ?? "null"}");
        Mode = mode; Window = window; ScoreKind = score; QueryDim = queryDim; KeyDim = keyDim; AttnDim = attnDim;
        if (score == "general") Weight = RegisterParameter("weight", Init.Normal(Tensor.Empty(queryDim, keyDim), 0, 1 / Math.Sqrt(keyDim)));
        if (mode == "predictive")
        {
            var predict = RegisterModule("predict", new LocalPositionPredictor(queryDim, attnDim!.Value));
            PredictW = predict.W; PredictV = predict.V;
        }
    }

    public (Tensor Context, Tensor Weights) Forward(Tensor query, Tensor keys, Tensor? values = null)
    {
        string me = $"{Name}({ExtraRepr()})";
        F.CheckQueryKeys(query, keys, values, me);
        if (query.Dims[2] != QueryDim || keys.Dims[2] != KeyDim)
            throw new ArgumentException($"{me}: query and keys must have {QueryDim} and {KeyDim} features, got query {ShapeUtil.Format(query.Dims)}, keys {ShapeUtil.Format(keys.Dims)}");
        int n = query.Dims[0], lq = query.Dims[1], lk = keys.Dims[1];
        var scores = F.BatchedMatmul(Weight != null ? F.Matmul(query, Weight) : query, keys, false, true);
        var p = Positions(query, lk);                                   // [N, Lq, 1]
        var weights = F.MaskedSoftmax(scores, OutsideWindow(p, n, lq, lk));
        if (Mode == "predictive")
        {
            float sigma = Window / 2f;
            var s = Tensor.Arange(lk);                                  // key positions 0..Lk−1
            var gauss = F.Exp(F.Mul(F.Square(F.Sub(s, p)), -1f / (2 * sigma * sigma)));
            weights = F.Mul(weights, gauss);
        }
        return (F.BatchedMatmul(weights, values ?? keys, false, false), weights);
    }

    /// <summary>Aligned positions p [N, Lq, 1]: i, or Lk · σ(v_p · tanh(W_p q_i)).</summary>
    private Tensor Positions(Tensor query, int lk)
    {
        int n = query.Dims[0], lq = query.Dims[1];
        if (Mode == "monotonic")
        {
            var d = new float[n * lq];
            for (int i = 0; i < d.Length; i++) d[i] = i % lq;
            return Tensor.Wrap(d, n, lq, 1);
        }
        return F.Mul(F.Sigmoid(PredictV!.Forward(F.Tanh(PredictW!.Forward(query)))), (float)lk);
    }

    /// <summary>True where key s lies outside [c − D, c + D], c = floor(p + 0.5): piecewise constant, no gradient.</summary>
    private Tensor OutsideWindow(Tensor p, int n, int lq, int lk)
    {
        var pv = p.Data; var m = new bool[n * lq * lk];
        for (int r = 0; r < n * lq; r++)
        {
            double c = Math.Floor(pv[r] + 0.5);
            for (int s = 0; s < lk; s++) m[r * lk + s] = Math.Abs(s - c) > Window;
        }
        return Tensor.FromBools(m, n, lq, lk);
    }

    public override string ExtraRepr() => $"mode={Mode}, window={Window}, score={ScoreKind}, query_dim={QueryDim}, key_dim={KeyDim}" + (AttnDim is int a ? $", attn_dim={a}" : "");
}

/// <summary>The position predictor of local-p attention: z = v_p · tanh(W_p q), parameters W.weight [A, dq] and v.weight [1, A].</summary>
public sealed class LocalPositionPredictor : Module
{
    public Linear W { get; }
    public Linear V { get; }

    public LocalPositionPredictor(int queryDim, int attnDim)
    {
        W = RegisterModule("W", new Linear(queryDim, attnDim, bias: false));
        V = RegisterModule("v", new Linear(attnDim, 1, bias: false));
    }
}
