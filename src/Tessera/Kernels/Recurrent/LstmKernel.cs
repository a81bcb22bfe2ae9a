using System.Buffers;
using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Tessera.Kernels;

/// <summary>What an LSTM pass keeps for its backward, per time step (time-indexed, whatever the direction).</summary>
internal sealed class LstmTape(in RecurrentPass p)
{
    /// <summary>[T, N, 4H]: the input projection of every step, then after the step the gates i, f, g, o.</summary>
    public readonly float[] Gates = GC.AllocateUninitializedArray<float>(p.Steps * p.Batch * 4 * p.Hidden);
    /// <summary>[T, N, H]: h and c entering step t, and tanh(c) leaving it (one reused step when not saving).</summary>
    public readonly float[] HPrev = GC.AllocateUninitializedArray<float>(p.SlotLength(p.Hidden)),
        CPrev = GC.AllocateUninitializedArray<float>(p.SlotLength(p.Hidden)),
        TanhC = GC.AllocateUninitializedArray<float>(p.SlotLength(p.Hidden));
}

/// <summary>Peephole weights w_ci, w_cf, w_co [H] of a peephole LSTM; null for a plain LSTM.</summary>
internal sealed record Peepholes(float[] Ci, float[] Cf, float[] Co);

/// <summary>
/// A whole-sequence LSTM layer in one direction (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et al. 2000):
/// a = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh = [a_i | a_f | a_g | a_o]; i, f, o = σ(·), g = tanh(a_g);
/// c_t = f ⊙ c_{t−1} + i ⊙ g; h_t = o ⊙ tanh(c_t). Optional peepholes (Gers &amp; Schmidhuber 2000) add w_ci ⊙ c_{t−1} to a_i,
/// w_cf ⊙ c_{t−1} to a_f and w_co ⊙ c_t to a_o. The input projection of all T steps is one GEMM; each step is one
/// [N, H]×[H, 4H] GEMM and one fused gate pass per row; backward is BPTT in a loop, then whole-sequence GEMMs for
/// dx, dW_ih and dW_hh. Outputs: y [T, N, H], and the final states h_n, c_n [N, H].
/// </summary>
internal static class LstmKernel
{
    public static void Forward(in RecurrentPass p, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh,
        ReadOnlySpan<float> bIh, ReadOnlySpan<float> bHh, Peepholes? peep, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0,
        LstmTape tape, float[] y, float[] h, float[] c)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 4 * H;
        var a = tape.Gates;
        var wT = ArrayPool<float>.Shared.Rent(Math.Max(I, H) * G);
        try
        {
            RecurrentPass.FillRows(a, T * N, G, bIh, bHh);
            RecurrentPass.Transpose(wIh, G, I, wT);
            Gemm.Multiply(false, false, T * N, G, I, 1f, x, I, wT, G, 1f, a, G);
            RecurrentPass.Transpose(wHh, G, H, wT);                   // W_hhᵀ [H, 4H] for every step
            h0.CopyTo(h); c0.CopyTo(c);                               // the running state lives in h_n and c_n
            var pass = p;
            for (int k = 0; k < T; k++)
            {
                int t = p.StepAt(k);
                if (p.Save) { h.AsSpan(0, N * H).CopyTo(tape.HPrev.AsSpan(t * N * H)); c.AsSpan(0, N * H).CopyTo(tape.CPrev.AsSpan(t * N * H)); }
                Gemm.Multiply(false, false, N, G, H, 1f, h, H, wT, G, 1f, a.AsSpan(t * N * G, N * G), G);
                pass.ForRows((lo, hi) => StepRows(pass, t, lo, hi, tape, peep, y, h, c));
            }
        }
        finally { ArrayPool<float>.Shared.Return(wT); }
    }

    /// <summary>Rows lo..hi−1 of step t, in place: gate pre-activations → activations; c_{t−1} → c_t; writes h_t, tanh(c_t) and the output.</summary>
    private static void StepRows(in RecurrentPass p, int t, int lo, int hi, LstmTape tape, Peepholes? peep, float[] y, float[] h, float[] c)
    {
        int N = p.Batch, H = p.Hidden, G = 4 * H, slot = p.Slot(t, H);
        for (int b = lo; b < hi; b++)
        {
            var yb = y.AsSpan((t * N + b) * H, H);
            if (!p.Valid(t, b)) { yb.Clear(); continue; }
            var a = tape.Gates.AsSpan((t * N + b) * G, G);
            var cb = c.AsSpan(b * H, H); var hb = h.AsSpan(b * H, H); var tanhC = tape.TanhC.AsSpan(slot + b * H, H);
            var i = a[..H]; var f = a.Slice(H, H); var g = a.Slice(2 * H, H); var o = a.Slice(3 * H, H);
            if (peep != null) { TP.MultiplyAdd(peep.Ci, cb, i, i); TP.MultiplyAdd(peep.Cf, cb, f, f); }
            var gatesIf = a[..(2 * H)];
            TP.Sigmoid(gatesIf, gatesIf);
            TP.Tanh(g, g);
            TP.Multiply(f, cb, cb);
            TP.MultiplyAdd(i, g, cb, cb);
            if (peep != null) TP.MultiplyAdd(peep.Co, cb, o, o);     // the output gate peeks at the new cell
            TP.Sigmoid(o, o);
            TP.Tanh(cb, tanhC);
            TP.Multiply(o, tanhC, hb);
            hb.CopyTo(yb);
        }
    }

    /// <summary>
    /// Backpropagation through time. dY [T, N, H], dHN and dCN [N, H] are the gradients of the three outputs (null: zero).
    /// Walks the steps in reverse of the forward order carrying dL/dh and dL/dc; a padded step passes both through.
    /// </summary>
    public static void Backward(in RecurrentPass p, float[]? dY, float[]? dHN, float[]? dCN, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh,
        ReadOnlySpan<float> wHh, Peepholes? peep, LstmTape tape, RecurrentGradients grads)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 4 * H;
        var pool = ArrayPool<float>.Shared;
        var dA = pool.Rent(T * N * G); var dh = pool.Rent(N * H); var dhNext = pool.Rent(N * H); var dc = pool.Rent(N * H);
        try
        {
            Load(dHN, dh, N * H); Load(dCN, dc, N * H);
            var pass = p;
            for (int k = T - 1; k >= 0; k--)
            {
                int t = p.StepAt(k);
                var (carry, next) = (dh, dhNext);
                pass.ForRows((lo, hi) => StepBackwardRows(pass, t, lo, hi, tape, peep, dY, carry, next, dc, dA));
                Gemm.Multiply(false, false, N, H, G, 1f, dA.AsSpan(t * N * G, N * G), G, wHh, H, 1f, dhNext, H);   // dh_{t−1} += da W_hh
                (dh, dhNext) = (dhNext, dh);
            }
            if (!grads.H0.IsEmpty) dh.AsSpan(0, N * H).CopyTo(grads.H0);
            if (!grads.C0.IsEmpty) dc.AsSpan(0, N * H).CopyTo(grads.C0);
            if (peep != null && !grads.WeightCi.IsEmpty) PeepholeGrads(p, tape, dA, grads);
            ProjectionGrads(T * N, I, H, G, dA.AsSpan(0, T * N * G), dA.AsSpan(0, T * N * G), x, tape.HPrev, wIh, grads);
        }
        finally { pool.Return(dA); pool.Return(dh); pool.Return(dhNext); pool.Return(dc); }
    }

    private static void Load(float[]? src, float[] dst, int n) { if (src == null) dst.AsSpan(0, n).Clear(); else src.AsSpan(0, n).CopyTo(dst); }

    /// <summary>Rows lo..hi−1 of step t: the gate pre-activation gradients and the carried dL/dh (into next) and dL/dc.</summary>
    private static void StepBackwardRows(in RecurrentPass p, int t, int lo, int hi, LstmTape tape, Peepholes? peep, float[]? dY,
        float[] carry, float[] next, float[] dc, float[] dA)
    {
        int N = p.Batch, H = p.Hidden, G = 4 * H;
        for (int b = lo; b < hi; b++)
        {
            int row = (t * N + b) * H;
            var dAb = dA.AsSpan((t * N + b) * G, G); var nextb = next.AsSpan(b * H, H); var carryb = carry.AsSpan(b * H, H);
            if (!p.Valid(t, b)) { carryb.CopyTo(nextb); dAb.Clear(); continue; }
            StepBackward(tape.Gates.AsSpan((t * N + b) * G, G), tape.CPrev.AsSpan(row, H), tape.TanhC.AsSpan(row, H), carryb,
                dY == null ? default : dY.AsSpan(row, H), dc.AsSpan(b * H, H), dAb, peep);
            nextb.Clear();
        }
    }

    /// <summary>
    /// One row: with dh = carried dL/dh + dL/dy_t, o, f, i, g the gates and tc = tanh(c_t): da_o = dh·tc·o(1−o);
    /// dc += dh·o·(1−tc²) (+ da_o·w_co); da_i = dc·g·i(1−i); da_f = dc·c_{t−1}·f(1−f); da_g = dc·i·(1−g²);
    /// dc_{t−1} = dc·f (+ da_i·w_ci + da_f·w_cf). SIMD over the row; the tail repeats the same formulas in scalars.
    /// </summary>
    private static void StepBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> dhCarry,
        ReadOnlySpan<float> dy, Span<float> dc, Span<float> dA, Peepholes? peep)
    {
        int H = dhCarry.Length, W = Vector<float>.Count, j = 0;
        bool hasDy = !dy.IsEmpty;
        var one = Vector<float>.One;
        for (; Vector.IsHardwareAccelerated && j <= H - W; j += W)
        {
            var i = new Vector<float>(gates[j..]); var f = new Vector<float>(gates[(H + j)..]);
            var g = new Vector<float>(gates[(2 * H + j)..]); var o = new Vector<float>(gates[(3 * H + j)..]);
            var tc = new Vector<float>(tanhC[j..]);
            var d = hasDy ? new Vector<float>(dhCarry[j..]) + new Vector<float>(dy[j..]) : new Vector<float>(dhCarry[j..]);
            var dao = d * tc * o * (one - o);
            var dcj = new Vector<float>(dc[j..]) + d * o * (one - tc * tc);
            if (peep != null) dcj += dao * new Vector<float>(peep.Co, j);
            var dai = dcj * g * i * (one - i);
            var daf = dcj * new Vector<float>(cPrev[j..]) * f * (one - f);
            var dag = dcj * i * (one - g * g);
            dai.CopyTo(dA[j..]); daf.CopyTo(dA[(H + j)..]); dag.CopyTo(dA[(2 * H + j)..]); dao.CopyTo(dA[(3 * H + j)..]);
            var dcPrev = dcj * f;
            if (peep != null) dcPrev += dai * new Vector<float>(peep.Ci, j) + daf * new Vector<float>(peep.Cf, j);
            dcPrev.CopyTo(dc[j..]);
        }
        for (; j < H; j++)
        {
            float i = gates[j], f = gates[H + j], g = gates[2 * H + j], o = gates[3 * H + j];
            float tc = tanhC[j], d = hasDy ? dhCarry[j] + dy[j] : dhCarry[j];
            float dao = d * tc * o * (1 - o);
            float dcj = dc[j] + d * o * (1 - tc * tc);
            if (peep != null) dcj += dao * peep.Co[j];
            float dai = dcj * g * i * (1 - i);
            float daf = dcj * cPrev[j] * f * (1 - f);
            float dag = dcj * i * (1 - g * g);
            dA[j] = dai; dA[H + j] = daf; dA[2 * H + j] = dag; dA[3 * H + j] = dao;
            float dcPrev = dcj * f;
            if (peep != null) dcPrev += dai * peep.Ci[j] + daf * peep.Cf[j];
            dc[j] = dcPrev;
        }
    }

    /// <summary>dw_ci = Σ da_i ⊙ c_{t−1}, dw_cf = Σ da_f ⊙ c_{t−1}, dw_co = Σ da_o ⊙ c_t over every valid (t, row), after the BPTT loop.</summary>
    private static void PeepholeGrads(in RecurrentPass p, LstmTape tape, float[] dA, RecurrentGradients grads)
    {
        int N = p.Batch, H = p.Hidden, G = 4 * H;
        var cNew = new float[H];
        for (int t = 0; t < p.Steps; t++)
            for (int b = 0; b < N; b++)
            {
                if (!p.Valid(t, b)) continue;
                var d = dA.AsSpan((t * N + b) * G, G); var gates = tape.Gates.AsSpan((t * N + b) * G, G);
                var cp = tape.CPrev.AsSpan((t * N + b) * H, H);
                TP.MultiplyAdd(d[..H], cp, grads.WeightCi, grads.WeightCi);
                TP.MultiplyAdd(d.Slice(H, H), cp, grads.WeightCf, grads.WeightCf);
                TP.Multiply(gates.Slice(H, H), cp, cNew);                           // c_t = f ⊙ c_{t−1} + i ⊙ g
                TP.MultiplyAdd(gates[..H], gates.Slice(2 * H, H), cNew, cNew);
                TP.MultiplyAdd(d.Slice(3 * H, H), cNew, grads.WeightCo, grads.WeightCo);
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
