using System.Buffers;
using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Tessera.Kernels;

/// <summary>What a GRU pass keeps for its backward, per time step (time-indexed).</summary>
internal sealed class GruTape(in RecurrentPass p)
{
    /// <summary>[T, N, 3H]: x_t W_ihᵀ + b_ih for every step, then after the step the gates r, z, n.</summary>
    public readonly float[] Gates = GC.AllocateUninitializedArray<float>(p.Steps * p.Batch * 3 * p.Hidden);
    /// <summary>[T, N, H]: h entering step t.</summary>
    public readonly float[] HPrev = GC.AllocateUninitializedArray<float>(p.SlotLength(p.Hidden));
    /// <summary>[T, N, H]: reset-after, W_hn h + b_hn (what r scales); classic, r ⊙ h (what W_hn multiplies).</summary>
    public readonly float[] Aux = GC.AllocateUninitializedArray<float>(p.SlotLength(p.Hidden));
}

/// <summary>
/// A whole-sequence GRU layer in one direction (Cho et al. 2014), gate rows r, z, n:
/// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz), h' = (1 − z) ⊙ n + z ⊙ h, with
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) when <c>resetAfter</c> (PyTorch, cuDNN) or
/// n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn) in the classic form (Cho et al. eq. 8, Keras reset_after=False),
/// which needs a second recurrent GEMM per step because r acts before the matmul. Outputs: y [T, N, H], h_n [N, H].
/// </summary>
internal static class GruKernel
{
    public static void Forward(in RecurrentPass p, bool resetAfter, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh,
        ReadOnlySpan<float> bIh, ReadOnlySpan<float> bHh, ReadOnlySpan<float> h0, GruTape tape, float[] y, float[] h)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 3 * H;
        var a = tape.Gates;
        var pool = ArrayPool<float>.Shared;
        var wT = pool.Rent(Math.Max(I, H) * G); var gh = pool.Rent(N * G);   // gh: h W_hhᵀ + b_hh of one step
        try
        {
            RecurrentPass.FillRows(a, T * N, G, bIh, default);
            RecurrentPass.Transpose(wIh, G, I, wT);
            Gemm.Multiply(false, false, T * N, G, I, 1f, x, I, wT, G, 1f, a, G);
            RecurrentPass.Transpose(wHh, G, H, wT);                   // W_hhᵀ [H, 3H]: columns r, z, n
            h0.CopyTo(h);
            var pass = p;
            for (int k = 0; k < T; k++)
            {
                int t = p.StepAt(k);
                if (p.Save) h.AsSpan(0, N * H).CopyTo(tape.HPrev.AsSpan(t * N * H));
                RecurrentPass.FillRows(gh, N, G, bHh, default);
                if (resetAfter) Gemm.Multiply(false, false, N, G, H, 1f, h, H, wT, G, 1f, gh, G);
                else
                {
                    // r and z first, then (r ⊙ h) W_hnᵀ into the n block.
                    Gemm.Multiply(false, false, N, 2 * H, H, 1f, h, H, wT, G, 1f, gh, G);
                    pass.ForRows((lo, hi) => ResetRows(pass, t, lo, hi, tape, gh, h));
                    Gemm.Multiply(false, false, N, H, H, 1f, tape.Aux.AsSpan(p.Slot(t, H), N * H), H, wT.AsSpan(2 * H), G, 1f, gh.AsSpan(2 * H), G);
                }
                pass.ForRows((lo, hi) => StepRows(pass, resetAfter, t, lo, hi, tape, gh, y, h));
            }
        }
        finally { pool.Return(wT); pool.Return(gh); }
    }

    /// <summary>Classic form, rows lo..hi−1 of step t: r, z = σ(·) and r ⊙ h (what W_hn multiplies) into the tape.</summary>
    private static void ResetRows(in RecurrentPass p, int t, int lo, int hi, GruTape tape, float[] gh, float[] h)
    {
        int N = p.Batch, H = p.Hidden, G = 3 * H, slot = p.Slot(t, H);
        for (int b = lo; b < hi; b++)
        {
            var rz = tape.Gates.AsSpan((t * N + b) * G, 2 * H);
            TP.Add(rz, gh.AsSpan(b * G, 2 * H), rz);
            TP.Sigmoid(rz, rz);
            TP.Multiply(rz[..H], h.AsSpan(b * H, H), tape.Aux.AsSpan(slot + b * H, H));
        }
    }

    /// <summary>Rows lo..hi−1 of step t: the gates, n, and h' = (1 − z) ⊙ n + z ⊙ h in place, and the output.</summary>
    private static void StepRows(in RecurrentPass p, bool resetAfter, int t, int lo, int hi, GruTape tape, float[] gh, float[] y, float[] h)
    {
        int N = p.Batch, H = p.Hidden, G = 3 * H, slot = p.Slot(t, H);
        for (int b = lo; b < hi; b++)
        {
            var yb = y.AsSpan((t * N + b) * H, H);
            if (!p.Valid(t, b)) { yb.Clear(); continue; }
            var row = tape.Gates.AsSpan((t * N + b) * G, G); var ghb = gh.AsSpan(b * G, G); var hb = h.AsSpan(b * H, H);
            var r = row[..H]; var z = row.Slice(H, H); var n = row.Slice(2 * H, H);
            if (resetAfter)
            {
                var rz = row[..(2 * H)];
                TP.Add(rz, ghb[..(2 * H)], rz);
                TP.Sigmoid(rz, rz);
                ghb.Slice(2 * H, H).CopyTo(tape.Aux.AsSpan(slot + b * H, H));
                TP.MultiplyAdd(r, ghb.Slice(2 * H, H), n, n);
            }
            else TP.Add(n, ghb.Slice(2 * H, H), n);
            TP.Tanh(n, n);
            // h' = (1 − z) n + z h = n + z (h − n)
            TP.Subtract(hb, n, hb);
            TP.MultiplyAdd(z, hb, n, hb);
            hb.CopyTo(yb);
        }
    }

    /// <summary>Backpropagation through time; dY [T, N, H] and dHN [N, H] (null: zero). Padded steps pass dL/dh through unchanged.</summary>
    public static void Backward(in RecurrentPass p, bool resetAfter, float[]? dY, float[]? dHN, ReadOnlySpan<float> x,
        ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh, GruTape tape, RecurrentGradients grads)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 3 * H;
        // dAx: gradient of the input projection (x W_ihᵀ + b_ih); dAh: of the recurrent one (h W_hhᵀ + b_hh, or for the
        // classic form its r/z blocks and (r ⊙ h) W_hnᵀ + b_hn). They differ only in the n block of the reset-after form.
        var pool = ArrayPool<float>.Shared;
        var dAx = pool.Rent(T * N * G); var dAh = resetAfter ? pool.Rent(T * N * G) : dAx;
        var dh = pool.Rent(N * H); var dhNext = pool.Rent(N * H); var dRh = pool.Rent(N * H);
        try
        {
            if (dHN == null) dh.AsSpan(0, N * H).Clear(); else dHN.AsSpan(0, N * H).CopyTo(dh);
            var pass = p;
            for (int k = T - 1; k >= 0; k--)
            {
                int t = p.StepAt(k);
                var (carry, next) = (dh, dhNext);
                pass.ForRows((lo, hi) => StepBackwardRows(pass, resetAfter, t, lo, hi, tape, dY, carry, next, dAx, dAh));
                if (!resetAfter)
                {
                    // d(r ⊙ h) = dn W_hn; then r gets dL/dr = d(r ⊙ h) ⊙ h and h gets d(r ⊙ h) ⊙ r.
                    Gemm.Multiply(false, false, N, H, H, 1f, dAx.AsSpan(t * N * G + 2 * H), G, wHh[(2 * H * H)..], H, 0f, dRh, H);
                    pass.ForRows((lo, hi) => ResetBackwardRows(pass, t, lo, hi, tape, dRh, dAx, next));
                    Gemm.Multiply(false, false, N, H, 2 * H, 1f, dAx.AsSpan(t * N * G, N * G), G, wHh, H, 1f, dhNext, H);
                }
                else Gemm.Multiply(false, false, N, H, G, 1f, dAh.AsSpan(t * N * G, N * G), G, wHh, H, 1f, dhNext, H);
                (dh, dhNext) = (dhNext, dh);
            }
            if (!grads.H0.IsEmpty) dh.AsSpan(0, N * H).CopyTo(grads.H0);
            int rows = T * N;
            var dx = dAx.AsSpan(0, rows * G);
            if (resetAfter) { LstmKernel.ProjectionGrads(rows, I, H, G, dx, dAh.AsSpan(0, rows * G), x, tape.HPrev, wIh, grads); return; }
            // Classic: the n rows of W_hh multiply r ⊙ h, not h.
            var dWhh = grads.WeightHh; grads.WeightHh = default;
            LstmKernel.ProjectionGrads(rows, I, H, G, dx, dx, x, tape.HPrev, wIh, grads);
            if (!dWhh.IsEmpty)
            {
                Gemm.Multiply(true, false, 2 * H, H, rows, 1f, dx, G, tape.HPrev, H, 0f, dWhh, H);
                Gemm.Multiply(true, false, H, H, rows, 1f, dx[(2 * H)..], G, tape.Aux, H, 0f, dWhh[(2 * H * H)..], H);
            }
        }
        finally { pool.Return(dAx); if (resetAfter) pool.Return(dAh); pool.Return(dh); pool.Return(dhNext); pool.Return(dRh); }
    }

    private static void StepBackwardRows(in RecurrentPass p, bool resetAfter, int t, int lo, int hi, GruTape tape, float[]? dY,
        float[] carry, float[] next, float[] dAx, float[] dAh)
    {
        int N = p.Batch, H = p.Hidden, G = 3 * H;
        for (int b = lo; b < hi; b++)
        {
            int row = (t * N + b) * H;
            var dx = dAx.AsSpan((t * N + b) * G, G); var dhh = dAh.AsSpan((t * N + b) * G, G);
            if (!p.Valid(t, b)) { carry.AsSpan(b * H, H).CopyTo(next.AsSpan(b * H, H)); dx.Clear(); dhh.Clear(); continue; }
            StepBackward(resetAfter, tape.Gates.AsSpan((t * N + b) * G, G), tape.HPrev.AsSpan(row, H), tape.Aux.AsSpan(row, H),
                carry.AsSpan(b * H, H), dY == null ? default : dY.AsSpan(row, H), dx, dhh, next.AsSpan(b * H, H));
        }
    }

    /// <summary>
    /// One row, with dh = carried dL/dh + dL/dy_t: dn = dh(1−z)(1−n²) (the n pre-activation), dz = dh(h_prev − n)·z(1−z),
    /// dh_prev = dh·z (+ the recurrent products, added later); reset-after also dr = dn·(W_hn h + b_hn)·r(1−r) and the
    /// recurrent n gradient dn·r. The classic form's r gradient needs d(r ⊙ h) = dn W_hn first (<see cref="ResetBackwardRows"/>).
    /// </summary>
    private static void StepBackward(bool resetAfter, ReadOnlySpan<float> gates, ReadOnlySpan<float> hp, ReadOnlySpan<float> aux,
        ReadOnlySpan<float> dhCarry, ReadOnlySpan<float> dy, Span<float> dAx, Span<float> dAh, Span<float> dhPrev)
    {
        int H = dhCarry.Length, W = Vector<float>.Count, j = 0;
        bool hasDy = !dy.IsEmpty;
        var one = Vector<float>.One;
        for (; Vector.IsHardwareAccelerated && j <= H - W; j += W)
        {
            var r = new Vector<float>(gates[j..]); var z = new Vector<float>(gates[(H + j)..]); var n = new Vector<float>(gates[(2 * H + j)..]);
            var d = hasDy ? new Vector<float>(dhCarry[j..]) + new Vector<float>(dy[j..]) : new Vector<float>(dhCarry[j..]);
            var dn = d * (one - z) * (one - n * n);
            var dz = d * (new Vector<float>(hp[j..]) - n) * z * (one - z);
            dz.CopyTo(dAx[(H + j)..]); dn.CopyTo(dAx[(2 * H + j)..]);
            (d * z).CopyTo(dhPrev[j..]);
            if (resetAfter)
            {
                var dr = dn * new Vector<float>(aux[j..]) * r * (one - r);
                dr.CopyTo(dAx[j..]); dr.CopyTo(dAh[j..]); dz.CopyTo(dAh[(H + j)..]); (dn * r).CopyTo(dAh[(2 * H + j)..]);
            }
        }
        for (; j < H; j++)
        {
            float r = gates[j], z = gates[H + j], n = gates[2 * H + j], d = hasDy ? dhCarry[j] + dy[j] : dhCarry[j];
            float dn = d * (1 - z) * (1 - n * n);
            float dz = d * (hp[j] - n) * z * (1 - z);
            dAx[H + j] = dz; dAx[2 * H + j] = dn;
            dhPrev[j] = d * z;
            if (resetAfter)
            {
                float dr = dn * aux[j] * r * (1 - r);
                dAx[j] = dr; dAh[j] = dr; dAh[H + j] = dz; dAh[2 * H + j] = dn * r;
            }
        }
    }

    /// <summary>Classic form, rows lo..hi−1 of step t: dr = d(r ⊙ h)·h_prev·r(1−r); dh_prev += d(r ⊙ h)·r.</summary>
    private static void ResetBackwardRows(in RecurrentPass p, int t, int lo, int hi, GruTape tape, float[] dRh, float[] dAx, float[] next)
    {
        int N = p.Batch, H = p.Hidden, G = 3 * H;
        for (int b = lo; b < hi; b++)
        {
            if (!p.Valid(t, b)) continue;
            var r = tape.Gates.AsSpan((t * N + b) * G, H); var hp = tape.HPrev.AsSpan((t * N + b) * H, H);
            var drh = dRh.AsSpan(b * H, H); var dr = dAx.AsSpan((t * N + b) * G, H); var dhPrev = next.AsSpan(b * H, H);
            for (int j = 0; j < H; j++)
            {
                dr[j] = drh[j] * hp[j] * r[j] * (1 - r[j]);
                dhPrev[j] += drh[j] * r[j];
            }
        }
    }
}
