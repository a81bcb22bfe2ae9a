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
        ReadOnlySpan<float> bIh, ReadOnlySpan<float> bHh, ReadOnlySpan<float> wCi, ReadOnlySpan<float> wCf, ReadOnlySpan<float> wCo,
        ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, LstmTape tape, Span<float> y, Span<float> h, Span<float> c)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 4 * H;
        var a = tape.Gates.AsSpan();
        var wT = ArrayPool<float>.Shared.Rent(Math.Max(I, H) * G);
        try
        {
            RecurrentPass.FillRows(a, T * N, G, bIh, bHh);
            RecurrentPass.Transpose(wIh, G, I, wT);
            Gemm.Multiply(false, false, T * N, G, I, 1f, x, I, wT, G, 1f, a, G);
            RecurrentPass.Transpose(wHh, G, H, wT);                   // W_hhᵀ [H, 4H] for every step
            h0.CopyTo(h); c0.CopyTo(c);                               // the running state lives in h_n and c_n
            for (int k = 0; k < T; k++)
            {
                int t = p.StepAt(k);
                var at = a.Slice(t * N * G, N * G);
                if (p.Save) { h.CopyTo(tape.HPrev.AsSpan(t * N * H)); c.CopyTo(tape.CPrev.AsSpan(t * N * H)); }
                Gemm.Multiply(false, false, N, G, H, 1f, h, H, wT, G, 1f, at, G);
                var tanhC = tape.TanhC.AsSpan(p.Slot(t, H), N * H);
                for (int b = 0; b < N; b++)
                {
                    var yb = y.Slice((t * N + b) * H, H);
                    if (!p.Valid(t, b)) { yb.Clear(); continue; }
                    var hb = h.Slice(b * H, H);
                    Step(at.Slice(b * G, G), c.Slice(b * H, H), hb, tanhC.Slice(b * H, H), wCi, wCf, wCo, H);
                    hb.CopyTo(yb);
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(wT); }
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
    /// Backpropagation through time. dY [T, N, H], dHN and dCN [N, H] are the gradients of the three outputs (an empty span:
    /// zero). Walks the steps in reverse of the forward order carrying dL/dh and dL/dc; a padded step passes both through.
    /// </summary>
    public static void Backward(in RecurrentPass p, ReadOnlySpan<float> dY, ReadOnlySpan<float> dHN, ReadOnlySpan<float> dCN,
        ReadOnlySpan<float> x, ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh, ReadOnlySpan<float> wCi, ReadOnlySpan<float> wCf, ReadOnlySpan<float> wCo,
        LstmTape tape, RecurrentGradients grads)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 4 * H;
        var pool = ArrayPool<float>.Shared;
        var dAArray = pool.Rent(T * N * G); var scratch = pool.Rent(4 * N * H);
        try
        {
            var dA = dAArray.AsSpan(0, T * N * G);
            var dh = scratch.AsSpan(0, N * H); var dhNext = scratch.AsSpan(N * H, N * H);
            var dc = scratch.AsSpan(2 * N * H, N * H); var dhTotal = scratch.AsSpan(3 * N * H, H);
            Load(dHN, dh); Load(dCN, dc);
            for (int k = T - 1; k >= 0; k--)
            {
                int t = p.StepAt(k);
                var dAt = dA.Slice(t * N * G, N * G);
                for (int b = 0; b < N; b++)
                {
                    var carry = dh.Slice(b * H, H); var next = dhNext.Slice(b * H, H);
                    if (!p.Valid(t, b)) { carry.CopyTo(next); dAt.Slice(b * G, G).Clear(); continue; }
                    if (dY.IsEmpty) carry.CopyTo(dhTotal); else TP.Add(carry, dY.Slice((t * N + b) * H, H), dhTotal);
                    int row = (t * N + b) * H;
                    StepBackward(tape.Gates.AsSpan((t * N + b) * G, G), tape.CPrev.AsSpan(row, H), tape.TanhC.AsSpan(row, H), dhTotal,
                        dc.Slice(b * H, H), dAt.Slice(b * G, G), wCi, wCf, wCo, grads.WeightCi, grads.WeightCf, grads.WeightCo);
                    next.Clear();
                }
                Gemm.Multiply(false, false, N, H, G, 1f, dAt, G, wHh, H, 1f, dhNext, H);   // dh_{t−1} += da W_hh
                var swap = dh; dh = dhNext; dhNext = swap;
            }
            if (!grads.H0.IsEmpty) dh.CopyTo(grads.H0);
            if (!grads.C0.IsEmpty) dc.CopyTo(grads.C0);
            ProjectionGrads(T * N, I, H, G, dA, dA, x, tape.HPrev, wIh, grads);
        }
        finally { pool.Return(dAArray); pool.Return(scratch); }
    }

    private static void Load(ReadOnlySpan<float> src, Span<float> dst) { if (src.IsEmpty) dst.Clear(); else src.CopyTo(dst); }

    /// <summary>
    /// The gate pre-activation gradients of one row; dc: dL/dc_t in, dL/dc_{t−1} out. With o, f, i, g the gates and
    /// tc = tanh(c_t): da_o = dh·tc·o(1−o); dc += dh·o·(1−tc²) (+ da_o·w_co); da_i = dc·g·i(1−i); da_f = dc·c_{t−1}·f(1−f);
    /// da_g = dc·i·(1−g²); dc_{t−1} = dc·f (+ da_i·w_ci + da_f·w_cf). SIMD over the row, the same formulas for the tail.
    /// </summary>
    private static void StepBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> dh,
        Span<float> dc, Span<float> dA, ReadOnlySpan<float> wCi, ReadOnlySpan<float> wCf, ReadOnlySpan<float> wCo,
        Span<float> dwCi, Span<float> dwCf, Span<float> dwCo)
    {
        int H = dh.Length, W = Vector<float>.Count, j = 0;
        bool peep = !wCi.IsEmpty, peepGrads = peep && !dwCi.IsEmpty;
        var one = Vector<float>.One;
        for (; Vector.IsHardwareAccelerated && j <= H - W; j += W)
        {
            var i = new Vector<float>(gates[j..]); var f = new Vector<float>(gates[(H + j)..]);
            var g = new Vector<float>(gates[(2 * H + j)..]); var o = new Vector<float>(gates[(3 * H + j)..]);
            var cp = new Vector<float>(cPrev[j..]); var tc = new Vector<float>(tanhC[j..]); var d = new Vector<float>(dh[j..]);
            var dao = d * tc * o * (one - o);
            var dcj = new Vector<float>(dc[j..]) + d * o * (one - tc * tc);
            if (peep) dcj += dao * new Vector<float>(wCo[j..]);
            var dai = dcj * g * i * (one - i);
            var daf = dcj * cp * f * (one - f);
            var dag = dcj * i * (one - g * g);
            dai.CopyTo(dA[j..]); daf.CopyTo(dA[(H + j)..]); dag.CopyTo(dA[(2 * H + j)..]); dao.CopyTo(dA[(3 * H + j)..]);
            var dcPrev = dcj * f;
            if (peep) dcPrev += dai * new Vector<float>(wCi[j..]) + daf * new Vector<float>(wCf[j..]);
            dcPrev.CopyTo(dc[j..]);
            if (peepGrads)
            {
                (new Vector<float>(dwCi[j..]) + dai * cp).CopyTo(dwCi[j..]);
                (new Vector<float>(dwCf[j..]) + daf * cp).CopyTo(dwCf[j..]);
                (new Vector<float>(dwCo[j..]) + dao * (f * cp + i * g)).CopyTo(dwCo[j..]);
            }
        }
        for (; j < H; j++)
        {
            float i = gates[j], f = gates[H + j], g = gates[2 * H + j], o = gates[3 * H + j];
            float cp = cPrev[j], tc = tanhC[j], d = dh[j];
            float dao = d * tc * o * (1 - o);
            float dcj = dc[j] + d * o * (1 - tc * tc);
            if (peep) dcj += dao * wCo[j];
            float dai = dcj * g * i * (1 - i);
            float daf = dcj * cp * f * (1 - f);
            float dag = dcj * i * (1 - g * g);
            dA[j] = dai; dA[H + j] = daf; dA[2 * H + j] = dag; dA[3 * H + j] = dao;
            float dcPrev = dcj * f;
            if (peep) dcPrev += dai * wCi[j] + daf * wCf[j];
            dc[j] = dcPrev;
            if (peepGrads) { dwCi[j] += dai * cp; dwCf[j] += daf * cp; dwCo[j] += dao * (f * cp + i * g); }
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
