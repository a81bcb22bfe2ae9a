using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Tessera.Kernels;

/// <summary>What an LSTM pass keeps for its backward, per time step (time-indexed, whatever the direction).</summary>
internal sealed class LstmTape(in RecurrentPass p)
{
    /// <summary>[T, N, 4H]: the input projection of every step, then after the step the gates i, f, g, o.</summary>
    public readonly float[] Gates = new float[p.Steps * p.Batch * 4 * p.Hidden];
    /// <summary>[T, N, H]: h and c entering step t, and tanh(c) leaving it.</summary>
    public readonly float[] HPrev = new float[p.SlotLength(p.Hidden)], CPrev = new float[p.SlotLength(p.Hidden)], TanhC = new float[p.SlotLength(p.Hidden)];
}

/// <summary>
/// A whole-sequence LSTM layer in one direction (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et al. 2000):
/// a = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh = [a_i | a_f | a_g | a_o]; i, f, o = σ(·), g = tanh(a_g);
/// c_t = f ⊙ c_{t−1} + i ⊙ g; h_t = o ⊙ tanh(c_t). Optional peepholes (Gers &amp; Schmidhuber 2000) add w_ci ⊙ c_{t−1} to a_i,
/// w_cf ⊙ c_{t−1} to a_f and w_co ⊙ c_t to a_o. The input projection of all T steps is one GEMM; each step is one
/// [N, H]×[H, 4H] GEMM and one fused gate pass; backward is BPTT in a loop, then three GEMMs for dx, dW_ih, dW_hh.
/// Output layout: y = [T·N·H outputs | N·H h_n | N·H c_n].
/// </summary>
internal static class LstmKernel
{
    public static void Forward(in RecurrentPass p, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh,
        ReadOnlySpan<float> bIh, ReadOnlySpan<float> bHh, ReadOnlySpan<float> wCi, ReadOnlySpan<float> wCf, ReadOnlySpan<float> wCo,
        ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, LstmTape tape, Span<float> y)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 4 * H;
        var a = tape.Gates.AsSpan();
        RecurrentPass.FillRows(a, T * N, G, bIh, bHh);
        Gemm.Multiply(false, false, T * N, G, I, 1f, x, I, RecurrentPass.Transpose(wIh, G, I), G, 1f, a, G);
        var wHhT = RecurrentPass.Transpose(wHh, G, H);   // [H, 4H]
        var outputs = y[..(T * N * H)];
        var h = y.Slice(T * N * H, N * H);          // the running state lives in the h_n and c_n slots
        var c = y.Slice(T * N * H + N * H, N * H);
        h0.CopyTo(h); c0.CopyTo(c);
        for (int k = 0; k < T; k++)
        {
            int t = p.StepAt(k);
            var at = a.Slice(t * N * G, N * G);
            if (p.Save) { h.CopyTo(tape.HPrev.AsSpan(t * N * H)); c.CopyTo(tape.CPrev.AsSpan(t * N * H)); }
            Gemm.Multiply(false, false, N, G, H, 1f, h, H, wHhT, G, 1f, at, G);
            var tanhC = tape.TanhC.AsSpan(p.Slot(t, H), N * H);
            for (int b = 0; b < N; b++)
            {
                var yb = outputs.Slice((t * N + b) * H, H);
                if (!p.Valid(t, b)) { yb.Clear(); continue; }
                var hb = h.Slice(b * H, H);
                Step(at.Slice(b * G, G), c.Slice(b * H, H), hb, tanhC.Slice(b * H, H), wCi, wCf, wCo, H);
                hb.CopyTo(yb);
            }
        }
    }

    /// <summary>One row of one step, in place: gate pre-activations a → activations; c_{t−1} → c_t; writes h_t and tanh(c_t).</summary>
    private static void Step(Span<float> a, Span<float> c, Span<float> h, Span<float> tanhC,
        ReadOnlySpan<float> wCi, ReadOnlySpan<float> wCf, ReadOnlySpan<float> wCo, int H)
    {
        var i = a[..H]; var f = a.Slice(H, H); var g = a.Slice(2 * H, H); var o = a.Slice(3 * H, H);
        if (!wCi.IsEmpty) { TP.MultiplyAdd(wCi, c, i, i); TP.MultiplyAdd(wCf, c, f, f); }
        var gatesIf = a[..(2 * H)];
        TP.Sigmoid(gatesIf, gatesIf);
        TP.Tanh(g, g);
        TP.Multiply(f, c, c);
        TP.MultiplyAdd(i, g, c, c);
        if (!wCo.IsEmpty) TP.MultiplyAdd(wCo, c, o, o);   // the output gate peeks at the new cell
        TP.Sigmoid(o, o);
        TP.Tanh(c, tanhC);
        TP.Multiply(o, tanhC, h);
    }

    /// <summary>
    /// Backpropagation through time. dy has the output layout (dL/d outputs, dL/dh_n, dL/dc_n). Walks the steps in reverse
    /// of the forward order carrying dL/dh and dL/dc; a padded step passes both through unchanged.
    /// </summary>
    public static void Backward(in RecurrentPass p, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh,
        ReadOnlySpan<float> wCi, ReadOnlySpan<float> wCf, ReadOnlySpan<float> wCo, LstmTape tape, RecurrentGradients grads)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 4 * H;
        var dA = new float[T * N * G];
        var dh = dy.Slice(T * N * H, N * H).ToArray();
        var dc = dy.Slice(T * N * H + N * H, N * H).ToArray();
        var dhNext = new float[N * H];
        var dhTotal = new float[H];
        for (int k = T - 1; k >= 0; k--)
        {
            int t = p.StepAt(k);
            var dAt = dA.AsSpan(t * N * G, N * G);
            for (int b = 0; b < N; b++)
            {
                var carry = dh.AsSpan(b * H, H); var next = dhNext.AsSpan(b * H, H);
                if (!p.Valid(t, b)) { carry.CopyTo(next); continue; }
                TP.Add(carry, dy.Slice((t * N + b) * H, H), dhTotal);
                int row = (t * N + b) * H;
                StepBackward(tape.Gates.AsSpan((t * N + b) * G, G), tape.CPrev.AsSpan(row, H), tape.TanhC.AsSpan(row, H), dhTotal,
                    dc.AsSpan(b * H, H), dAt.Slice(b * G, G), wCi, wCf, wCo, grads.WeightCi, grads.WeightCf, grads.WeightCo);
                next.Clear();
            }
            Gemm.Multiply(false, false, N, H, G, 1f, dAt, G, wHh, H, 1f, dhNext, H);   // dh_{t−1} += da W_hh
            (dh, dhNext) = (dhNext, dh);
        }
        if (!grads.H0.IsEmpty) dh.CopyTo(grads.H0);
        if (!grads.C0.IsEmpty) dc.CopyTo(grads.C0);
        ProjectionGrads(T * N, I, H, G, dA, dA, x, tape.HPrev, wIh, grads);
    }

    /// <summary>The gate pre-activation gradients of one row; dc: dL/dc_t in, dL/dc_{t−1} out.</summary>
    private static void StepBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> dh,
        Span<float> dc, Span<float> dA, ReadOnlySpan<float> wCi, ReadOnlySpan<float> wCf, ReadOnlySpan<float> wCo,
        Span<float> dwCi, Span<float> dwCf, Span<float> dwCo)
    {
        int H = dh.Length;
        bool peep = !wCi.IsEmpty;
        for (int j = 0; j < H; j++)
        {
            float i = gates[j], f = gates[H + j], g = gates[2 * H + j], o = gates[3 * H + j];
            float cp = cPrev[j], tc = tanhC[j], dhj = dh[j];
            float dao = dhj * tc * o * (1 - o);
            float dcj = dc[j] + dhj * o * (1 - tc * tc) + (peep ? dao * wCo[j] : 0f);
            float dai = dcj * g * i * (1 - i);
            float daf = dcj * cp * f * (1 - f);
            float dag = dcj * i * (1 - g * g);
            dA[j] = dai; dA[H + j] = daf; dA[2 * H + j] = dag; dA[3 * H + j] = dao;
            dc[j] = dcj * f;
            if (peep)
            {
                dc[j] += dai * wCi[j] + daf * wCf[j];
                if (!dwCi.IsEmpty) { dwCi[j] += dai * cp; dwCf[j] += daf * cp; dwCo[j] += dao * (f * cp + i * g); }
            }
        }
    }

    /// <summary>
    /// The gradients of the two projections from the pre-activation gradients of all steps, as whole-sequence GEMMs:
    /// dx = dAx W_ih, dW_ih = dAxᵀ x, dW_hh = dAhᵀ h_prev, db_ih = Σ dAx, db_hh = Σ dAh.
    /// </summary>
    internal static void ProjectionGrads(int rows, int I, int H, int G, ReadOnlySpan<float> dAx, ReadOnlySpan<float> dAh,
        ReadOnlySpan<float> x, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> wIh, RecurrentGradients grads)
    {
        if (!grads.X.IsEmpty) Gemm.Multiply(false, false, rows, I, G, 1f, dAx, G, wIh, I, 0f, grads.X, I);
        if (!grads.WeightIh.IsEmpty) Gemm.Multiply(true, false, G, I, rows, 1f, dAx, G, x, I, 0f, grads.WeightIh, I);
        if (!grads.WeightHh.IsEmpty) Gemm.Multiply(true, false, G, H, rows, 1f, dAh, G, hPrev, H, 0f, grads.WeightHh, H);
        if (!grads.BiasIh.IsEmpty) Reduce.Sum(dAx, grads.BiasIh, 1, rows, G);
        if (!grads.BiasHh.IsEmpty) Reduce.Sum(dAh, grads.BiasHh, 1, rows, G);
    }
}
