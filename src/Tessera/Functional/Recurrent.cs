using Tessera.Kernels;

namespace Tessera;

public static partial class F
{
    /// <summary>
    /// One LSTM layer in one direction over a whole sequence, as one fused op whose backward runs BPTT in a loop.
    /// x [T, N, I]; h0, c0 [N, H] (null: zeros); weight_ih [4H, I], weight_hh [4H, H], biases [4H] (row blocks i, f, g, o)
    /// → output [T, N, H], h_n [N, H], c_n [N, H]. <paramref name="reverse"/> runs t = T−1..0 (outputs stay at position t).
    /// <paramref name="lengths"/> [N] (each 1..T): row b has only steps t &lt; lengths[b]; its output after that is 0 and its
    /// final state is the one after its last valid step.
    /// </summary>
    public static (Tensor Output, Tensor HN, Tensor CN) LstmLayer(Tensor x, Tensor? h0, Tensor? c0, Tensor weightIh, Tensor weightHh,
        Tensor? biasIh = null, Tensor? biasHh = null, bool reverse = false, int[]? lengths = null)
    {
        var r = Lstm("lstm", x, h0, c0, weightIh, weightHh, biasIh, biasHh, null, reverse, lengths);
        return (r[0], r[1], r[2]);
    }

    /// <summary>
    /// A peephole LSTM layer (Gers &amp; Schmidhuber 2000), fused like <see cref="LstmLayer"/>: the input and forget gates also
    /// see c_{t−1} (a_i + w_ci ⊙ c_{t−1}, a_f + w_cf ⊙ c_{t−1}) and the output gate sees c_t (a_o + w_co ⊙ c_t).
    /// weight_ci, weight_cf, weight_co [H]; other shapes as <see cref="LstmLayer"/>.
    /// </summary>
    public static (Tensor Output, Tensor HN, Tensor CN) PeepholeLstmLayer(Tensor x, Tensor? h0, Tensor? c0, Tensor weightIh, Tensor weightHh,
        Tensor? biasIh, Tensor? biasHh, Tensor weightCi, Tensor weightCf, Tensor weightCo, bool reverse = false, int[]? lengths = null)
    {
        var r = Lstm("peephole_lstm", x, h0, c0, weightIh, weightHh, biasIh, biasHh, [weightCi, weightCf, weightCo], reverse, lengths);
        return (r[0], r[1], r[2]);
    }

    /// <summary>One LSTM step (torch.nn.LSTMCell): x [N, I], h, c [N, H] (null: zeros) → (h', c') [N, H]. The fused layer op with T = 1.</summary>
    public static (Tensor H, Tensor C) LstmCell(Tensor x, Tensor? h, Tensor? c, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null)
    {
        var r = Lstm("lstm_cell", CellInput(x, "lstm_cell"), h, c, weightIh, weightHh, biasIh, biasHh, null, false, null);
        return (r[1], r[2]);
    }

    /// <summary>
    /// One GRU layer in one direction over a whole sequence, fused (see <see cref="LstmLayer"/> for reverse and lengths).
    /// x [T, N, I]; h0 [N, H]; weight_ih [3H, I], weight_hh [3H, H], biases [3H] (row blocks r, z, n) → output [T, N, H], h_n [N, H].
    /// <paramref name="resetAfter"/>: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) as PyTorch; false: the classic
    /// n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn) (Cho et al. 2014). Both: h' = (1 − z) ⊙ n + z ⊙ h.
    /// </summary>
    public static (Tensor Output, Tensor HN) GruLayer(Tensor x, Tensor? h0, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null,
        bool resetAfter = true, bool reverse = false, int[]? lengths = null)
    {
        var r = Gru("gru", x, h0, weightIh, weightHh, biasIh, biasHh, resetAfter, reverse, lengths);
        return (r[0], r[1]);
    }

    /// <summary>One GRU step (torch.nn.GRUCell, reset-after form): x [N, I], h [N, H] (null: zeros) → h' [N, H].</summary>
    public static Tensor GruCell(Tensor x, Tensor? h, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null)
        => Gru("gru_cell", CellInput(x, "gru_cell"), h, weightIh, weightHh, biasIh, biasHh, true, false, null)[1];

    /// <summary>
    /// One Elman RNN layer in one direction over a whole sequence, fused: h_t = act(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh),
    /// act "tanh" or "relu". x [T, N, I]; h0 [N, H]; weight_ih [H, I], weight_hh [H, H], biases [H] → output [T, N, H], h_n [N, H].
    /// </summary>
    public static (Tensor Output, Tensor HN) RnnLayer(Tensor x, Tensor? h0, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null,
        string nonlinearity = "tanh", bool reverse = false, int[]? lengths = null)
    {
        var r = Rnn("rnn", x, h0, weightIh, weightHh, biasIh, biasHh, nonlinearity, reverse, lengths);
        return (r[0], r[1]);
    }

    /// <summary>One Elman step (torch.nn.RNNCell): x [N, I], h [N, H] (null: zeros) → h' [N, H].</summary>
    public static Tensor RnnCell(Tensor x, Tensor? h, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null, string nonlinearity = "tanh")
        => Rnn("rnn_cell", CellInput(x, "rnn_cell"), h, weightIh, weightHh, biasIh, biasHh, nonlinearity, false, null)[1];

    // ---- the three fused ops. Each returns [output [T, N, H], final states [N, H]...] recorded as one multi-output op.

    private static Tensor[] Lstm(string op, Tensor x, Tensor? h0, Tensor? c0, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh,
        Tensor[]? peep, bool reverse, int[]? lengths)
    {
        var (T, N, I, H) = CheckLayer(op, x, wIh, wHh, bIh, bHh, 4, lengths);
        var h = InitialState(op, "h0", h0, N, H); var c = InitialState(op, "c0", c0, N, H);
        if (peep != null)
            foreach (var (w, name) in peep.Zip(["weight_ci", "weight_cf", "weight_co"]))
                if (w.Rank != 1 || w.Dims[0] != H) throw new ArgumentException($"{op}: {name} must be [{H}], got {ShapeUtil.Format(w.Dims)}");
        Tensor?[] all = [x, wIh, wHh, bIh, bHh, h, c, peep?[0], peep?[1], peep?[2]];
        var pass = new RecurrentPass(T, N, I, H, reverse, lengths, NeedsTape(all));
        var tape = new LstmTape(pass);
        Tensor y = Uninitialized(T, N, H), hN = Uninitialized(N, H), cN = Uninitialized(N, H);
        var peepholes = peep == null ? null : new Peepholes(peep[0].F32!, peep[1].F32!, peep[2].F32!);
        LstmKernel.Forward(pass, x.F32!, wIh.F32!, wHh.F32!, bIh?.F32, bHh?.F32, peepholes, h.F32!, c.F32!, tape, y.F32!, hN.F32!, cN.F32!);
        return RecordMulti(op, [y, hN, cN], g =>
        {
            var d = all.Select(GradBuffer).ToArray();
            LstmKernel.Backward(pass, g[0]?.F32, g[1]?.F32, g[2]?.F32, x.F32!, wIh.F32!, wHh.F32!, peepholes, tape, new RecurrentGradients
            {
                X = d[0], WeightIh = d[1], WeightHh = d[2], BiasIh = d[3], BiasHh = d[4], H0 = d[5], C0 = d[6],
                WeightCi = d[7], WeightCf = d[8], WeightCo = d[9],
            });
            return Gradients(all, d);
        }, Present(all));
    }

    private static Tensor[] Gru(string op, Tensor x, Tensor? h0, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, bool resetAfter, bool reverse, int[]? lengths)
    {
        var (T, N, I, H) = CheckLayer(op, x, wIh, wHh, bIh, bHh, 3, lengths);
        var h = InitialState(op, "h0", h0, N, H);
        Tensor?[] all = [x, wIh, wHh, bIh, bHh, h];
        var pass = new RecurrentPass(T, N, I, H, reverse, lengths, NeedsTape(all));
        var tape = new GruTape(pass);
        Tensor y = Uninitialized(T, N, H), hN = Uninitialized(N, H);
        GruKernel.Forward(pass, resetAfter, x.F32!, wIh.F32!, wHh.F32!, bIh?.F32, bHh?.F32, h.F32!, tape, y.F32!, hN.F32!);
        return RecordMulti(op, [y, hN], g =>
        {
            var d = all.Select(GradBuffer).ToArray();
            GruKernel.Backward(pass, resetAfter, g[0]?.F32, g[1]?.F32, x.F32!, wIh.F32!, wHh.F32!, tape, new RecurrentGradients
            {
                X = d[0], WeightIh = d[1], WeightHh = d[2], BiasIh = d[3], BiasHh = d[4], H0 = d[5],
            });
            return Gradients(all, d);
        }, Present(all));
    }

    private static Tensor[] Rnn(string op, Tensor x, Tensor? h0, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, string nonlinearity, bool reverse, int[]? lengths)
    {
        if (nonlinearity != "tanh" && nonlinearity != "relu") throw new ArgumentException($"{op}: nonlinearity must be \"tanh\" or \"relu\", got \"{nonlinearity}\"");
        bool relu = nonlinearity == "relu";
        var (T, N, I, H) = CheckLayer(op, x, wIh, wHh, bIh, bHh, 1, lengths);
        var h = InitialState(op, "h0", h0, N, H);
        Tensor?[] all = [x, wIh, wHh, bIh, bHh, h];
        var pass = new RecurrentPass(T, N, I, H, reverse, lengths, NeedsTape(all));
        var tape = new RnnTape(pass);
        Tensor y = Uninitialized(T, N, H), hN = Uninitialized(N, H);
        RnnKernel.Forward(pass, relu, x.F32!, wIh.F32!, wHh.F32!, bIh?.F32, bHh?.F32, h.F32!, tape, y.F32!, hN.F32!);
        return RecordMulti(op, [y, hN], g =>
        {
            var d = all.Select(GradBuffer).ToArray();
            RnnKernel.Backward(pass, relu, g[0]?.F32, g[1]?.F32, x.F32!, wIh.F32!, wHh.F32!, tape, new RecurrentGradients
            {
                X = d[0], WeightIh = d[1], WeightHh = d[2], BiasIh = d[3], BiasHh = d[4], H0 = d[5],
            });
            return Gradients(all, d);
        }, Present(all));
    }

    // ---- helpers

    /// <summary>A float32 tensor whose every value the caller will write (no zeroing pass).</summary>
    private static Tensor Uninitialized(params int[] shape) => new(shape, BufferPool.Rent(ShapeUtil.Numel(shape)));

    private static Tensor CellInput(Tensor x, string op)
    {
        if (x.Rank != 2) throw new ArgumentException($"{op}: input must be [N, input_size] (2 dims), got shape {ShapeUtil.Format(x.Dims)}");
        return Unsqueeze(x, 0);
    }

    /// <summary>True when the op will be recorded, so the forward must keep its per-step values.</summary>
    private static bool NeedsTape(Tensor?[] inputs) => GradMode.IsEnabled && inputs.Any(t => t != null && t.RequiresGrad);

    private static Tensor[] Present(Tensor?[] inputs) => inputs.Where(t => t != null).Select(t => t!).ToArray();

    private static float[]? GradBuffer(Tensor? t) => t != null && t.RequiresGrad ? BufferPool.RentZeroed(t.Numel) : null;

    /// <summary>The gradients of the present inputs, in the order <see cref="Present"/> lists them.</summary>
    private static Tensor?[] Gradients(Tensor?[] inputs, float[]?[] grads)
    {
        var r = new List<Tensor?>();
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is Tensor t) r.Add(grads[i] is float[] g ? new Tensor(t.Shape, g) : null);
        return r.ToArray();
    }

    private static Tensor InitialState(string op, string name, Tensor? s, int n, int h)
    {
        if (s == null) return Tensor.Zeros(n, h);
        RequireFloat(s, op, name);
        if (s.Rank != 2 || s.Dims[0] != n || s.Dims[1] != h)
            throw new ArgumentException($"{op}: {name} must be [batch, hidden_size] = [{n}, {h}], got {ShapeUtil.Format(s.Dims)}");
        return s;
    }

    /// <summary>Checks one layer's operands and returns (T, N, I, H); gates = rows of the weights per hidden unit.</summary>
    private static (int T, int N, int I, int H) CheckLayer(string op, Tensor x, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, int gates, int[]? lengths)
    {
        RequireFloat(x, op); RequireFloat(wIh, op, "weight_ih"); RequireFloat(wHh, op, "weight_hh");
        if (x.Rank != 3) throw new ArgumentException($"{op}: input must be [T, N, input_size] (3 dims), got shape {ShapeUtil.Format(x.Dims)}");
        if (wHh.Rank != 2 || wHh.Dims[0] != gates * wHh.Dims[1] || wHh.Dims[1] == 0)
            throw new ArgumentException($"{op}: weight_hh must be [{gates}·hidden_size, hidden_size], got {ShapeUtil.Format(wHh.Dims)}");
        int T = x.Dims[0], N = x.Dims[1], I = x.Dims[2], H = wHh.Dims[1];
        if (wIh.Rank != 2 || wIh.Dims[0] != gates * H)
            throw new ArgumentException($"{op}: weight_ih must be [{gates * H}, input_size], got {ShapeUtil.Format(wIh.Dims)}");
        if (wIh.Dims[1] != I)
            throw new ArgumentException($"{op}: input has {I} features but weight_ih {ShapeUtil.Format(wIh.Dims)} expects {wIh.Dims[1]} (input shape {ShapeUtil.Format(x.Dims)})");
        foreach (var (b, name) in new[] { (bIh, "bias_ih"), (bHh, "bias_hh") })
            if (b != null && (b.Rank != 1 || b.Dims[0] != gates * H))
                throw new ArgumentException($"{op}: {name} must be [{gates * H}], got {ShapeUtil.Format(b.Dims)}");
        if (T == 0 || N == 0) throw new ArgumentException($"{op}: input has no {(T == 0 ? "time steps" : "batch rows")} (shape {ShapeUtil.Format(x.Dims)})");
        if (lengths != null) CheckLengths(op, lengths, T, N, x);
        return (T, N, I, H);
    }

    internal static void CheckLengths(string op, int[] lengths, int steps, int batch, Tensor x)
    {
        if (lengths.Length != batch)
            throw new ArgumentException($"{op}: lengths has {lengths.Length} entries but the batch has {batch} rows (input shape {ShapeUtil.Format(x.Dims)})");
        for (int b = 0; b < lengths.Length; b++)
            if (lengths[b] < 1 || lengths[b] > steps)
                throw new ArgumentException($"{op}: lengths[{b}] = {lengths[b]} is outside 1..{steps}, the number of time steps (input shape {ShapeUtil.Format(x.Dims)})");
    }
}
