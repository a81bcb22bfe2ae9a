using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Tessera.Kernels;

/// <summary>What a GRU pass keeps for its backward, per time step (time-indexed).</summary>
internal sealed class GruTape(in RecurrentPass p)
{
    /// <summary>[T, N, 3H]: x_t W_ihᵀ + b_ih for every step, then after the step the gates r, z, n.</summary>
    public readonly float[] Gates = new float[p.Steps * p.Batch * 3 * p.Hidden];
    /// <summary>[T, N, H]: h entering step t.</summary>
    public readonly float[] HPrev = new float[p.SlotLength(p.Hidden)];
    /// <summary>[T, N, H]: reset-after, W_hn h + b_hn (what r scales); classic, r ⊙ h (what W_hn multiplies).</summary>
    public readonly float[] Aux = new float[p.SlotLength(p.Hidden)];
}

/// <summary>
/// A whole-sequence GRU layer in one direction (Cho et al. 2014), gate rows r, z, n:
/// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz), h' = (1 − z) ⊙ n + z ⊙ h, with
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) when <c>resetAfter</c> (PyTorch, cuDNN) or
/// n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn) in the classic form (Cho et al. eq. 8, Keras reset_after=False),
/// which needs a second recurrent GEMM per step because r acts before the matmul.
/// Output layout: y = [T·N·H outputs | N·H h_n].
/// </summary>
internal static class GruKernel
{
    public static void Forward(in RecurrentPass p, bool resetAfter, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh,
        ReadOnlySpan<float> bIh, ReadOnlySpan<float> bHh, ReadOnlySpan<float> h0, GruTape tape, Span<float> y)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 3 * H;
        var a = tape.Gates.AsSpan();
        RecurrentPass.FillRows(a, T * N, G, bIh, default);
        Gemm.Multiply(false, false, T * N, G, I, 1f, x, I, RecurrentPass.Transpose(wIh, G, I), G, 1f, a, G);
        var wHhT = RecurrentPass.Transpose(wHh, G, H);   // [H, 3H]: columns r, z, n
        var gh = new float[N * G].AsSpan();          // h W_hhᵀ + b_hh of one step
        var outputs = y[..(T * N * H)];
        var h = y.Slice(T * N * H, N * H);
        h0.CopyTo(h);
        for (int k = 0; k < T; k++)
        {
            int t = p.StepAt(k);
            var at = a.Slice(t * N * G, N * G);
            var aux = tape.Aux.AsSpan(p.Slot(t, H), N * H);
            if (p.Save) h.CopyTo(tape.HPrev.AsSpan(t * N * H));
            RecurrentPass.FillRows(gh, N, G, bHh, default);
            if (resetAfter) Gemm.Multiply(false, false, N, G, H, 1f, h, H, wHhT, G, 1f, gh, G);
            else
            {
                // r and z first, then (r ⊙ h) W_hnᵀ into the n block.
                Gemm.Multiply(false, false, N, 2 * H, H, 1f, h, H, wHhT, G, 1f, gh, G);
                for (int b = 0; b < N; b++)
                {
                    var rz = at.Slice(b * G, 2 * H);
                    TP.Add(rz, gh.Slice(b * G, 2 * H), rz);
                    TP.Sigmoid(rz, rz);
                    TP.Multiply(rz[..H], h.Slice(b * H, H), aux.Slice(b * H, H));
                }
                Gemm.Multiply(false, false, N, H, H, 1f, aux, H, wHhT.AsSpan(2 * H), G, 1f, gh[(2 * H)..], G);
            }
            for (int b = 0; b < N; b++)
            {
                var yb = outputs.Slice((t * N + b) * H, H);
                if (!p.Valid(t, b)) { yb.Clear(); continue; }
                var row = at.Slice(b * G, G); var ghb = gh.Slice(b * G, G); var hb = h.Slice(b * H, H);
                var r = row[..H]; var z = row.Slice(H, H); var n = row.Slice(2 * H, H);
                if (resetAfter)
                {
                    var rz = row[..(2 * H)];
                    TP.Add(rz, ghb[..(2 * H)], rz);
                    TP.Sigmoid(rz, rz);
                    ghb.Slice(2 * H, H).CopyTo(aux.Slice(b * H, H));
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
    }

    /// <summary>Backpropagation through time; dy = (dL/d outputs, dL/dh_n). Padded steps pass dL/dh through unchanged.</summary>
    public static void Backward(in RecurrentPass p, bool resetAfter, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh,
        ReadOnlySpan<float> wHh, GruTape tape, RecurrentGradients grads)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden, G = 3 * H;
        // dAx: gradient of the input projection (x W_ihᵀ + b_ih); dAh: of the recurrent one (h W_hhᵀ + b_hh, or for the
        // classic form its r/z blocks and (r ⊙ h) W_hnᵀ + b_hn). They differ only in the n block of the reset-after form.
        var dAx = new float[T * N * G];
        var dAh = resetAfter ? new float[T * N * G] : dAx;
        var dh = dy.Slice(T * N * H, N * H).ToArray();
        var dhNext = new float[N * H];
        var dhTotal = new float[N * H];
        float[] dRh = resetAfter ? [] : new float[N * H];
        for (int k = T - 1; k >= 0; k--)
        {
            int t = p.StepAt(k);
            var dAxT = dAx.AsSpan(t * N * G, N * G); var dAhT = dAh.AsSpan(t * N * G, N * G);
            for (int b = 0; b < N; b++)
            {
                var carry = dh.AsSpan(b * H, H); var next = dhNext.AsSpan(b * H, H);
                if (!p.Valid(t, b)) { carry.CopyTo(next); continue; }
                var dht = dhTotal.AsSpan(b * H, H);
                TP.Add(carry, dy.Slice((t * N + b) * H, H), dht);
                var gates = tape.Gates.AsSpan((t * N + b) * G, G);
                var hp = tape.HPrev.AsSpan((t * N + b) * H, H);
                var aux = tape.Aux.AsSpan((t * N + b) * H, H);
                var dx = dAxT.Slice(b * G, G); var dhh = dAhT.Slice(b * G, G);
                for (int j = 0; j < H; j++)
                {
                    float r = gates[j], z = gates[H + j], n = gates[2 * H + j], d = dht[j];
                    float dn = d * (1 - z) * (1 - n * n);
                    dx[H + j] = d * (hp[j] - n) * z * (1 - z);
                    dx[2 * H + j] = dn;
                    next[j] = d * z;
                    if (resetAfter)
                    {
                        dx[j] = dn * aux[j] * r * (1 - r);
                        dhh[j] = dx[j]; dhh[H + j] = dx[H + j]; dhh[2 * H + j] = dn * r;
                    }
                }
            }
            if (!resetAfter)
            {
                // d(r ⊙ h) = dn W_hn; then r gets dL/dr = d(r ⊙ h) ⊙ h and h gets d(r ⊙ h) ⊙ r.
                Gemm.Multiply(false, false, N, H, H, 1f, dAxT[(2 * H)..], G, wHh[(2 * H * H)..], H, 0f, dRh, H);
                for (int b = 0; b < N; b++)
                {
                    if (!p.Valid(t, b)) continue;
                    var gates = tape.Gates.AsSpan((t * N + b) * G, H);
                    var hp = tape.HPrev.AsSpan((t * N + b) * H, H);
                    var drh = dRh.AsSpan(b * H, H); var next = dhNext.AsSpan(b * H, H); var dr = dAxT.Slice(b * G, H);
                    for (int j = 0; j < H; j++)
                    {
                        float r = gates[j];
                        dr[j] = drh[j] * hp[j] * r * (1 - r);
                        next[j] += drh[j] * r;
                    }
                }
                Gemm.Multiply(false, false, N, H, 2 * H, 1f, dAxT, G, wHh, H, 1f, dhNext, H);
            }
            else Gemm.Multiply(false, false, N, H, G, 1f, dAhT, G, wHh, H, 1f, dhNext, H);
            (dh, dhNext) = (dhNext, dh);
        }
        if (!grads.H0.IsEmpty) dh.CopyTo(grads.H0);
        int rows = T * N;
        if (resetAfter) { LstmKernel.ProjectionGrads(rows, I, H, G, dAx, dAh, x, tape.HPrev, wIh, grads); return; }
        // Classic: the n rows of W_hh multiply r ⊙ h, not h.
        var dWhh = grads.WeightHh; grads.WeightHh = default;
        LstmKernel.ProjectionGrads(rows, I, H, G, dAx, dAx, x, tape.HPrev, wIh, grads);
        if (!dWhh.IsEmpty)
        {
            Gemm.Multiply(true, false, 2 * H, H, rows, 1f, dAx, G, tape.HPrev, H, 0f, dWhh, H);
            Gemm.Multiply(true, false, H, H, rows, 1f, dAx.AsSpan(2 * H), G, tape.Aux, H, 0f, dWhh[(2 * H * H)..], H);
        }
    }
}
