using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Tessera.Kernels;

/// <summary>What an Elman RNN pass keeps for its backward (time-indexed).</summary>
internal sealed class RnnTape(in RecurrentPass p)
{
    /// <summary>[T, N, H]: the pre-activations of every step, then after the step h_t.</summary>
    public readonly float[] States = new float[p.Steps * p.Batch * p.Hidden];
    /// <summary>[T, N, H]: h entering step t.</summary>
    public readonly float[] HPrev = new float[p.SlotLength(p.Hidden)];
}

/// <summary>
/// A whole-sequence Elman RNN layer in one direction (Elman 1990): h_t = act(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh),
/// act = tanh or ReLU. Output layout: y = [T·N·H outputs | N·H h_n].
/// </summary>
internal static class RnnKernel
{
    public static void Forward(in RecurrentPass p, bool relu, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh,
        ReadOnlySpan<float> bIh, ReadOnlySpan<float> bHh, ReadOnlySpan<float> h0, RnnTape tape, Span<float> y)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden;
        var a = tape.States.AsSpan();
        RecurrentPass.FillRows(a, T * N, H, bIh, bHh);
        Gemm.Multiply(false, false, T * N, H, I, 1f, x, I, RecurrentPass.Transpose(wIh, H, I), H, 1f, a, H);
        var wHhT = RecurrentPass.Transpose(wHh, H, H);
        var outputs = y[..(T * N * H)];
        var h = y.Slice(T * N * H, N * H);
        h0.CopyTo(h);
        for (int k = 0; k < T; k++)
        {
            int t = p.StepAt(k);
            var at = a.Slice(t * N * H, N * H);
            if (p.Save) h.CopyTo(tape.HPrev.AsSpan(t * N * H));
            Gemm.Multiply(false, false, N, H, H, 1f, h, H, wHhT, H, 1f, at, H);
            for (int b = 0; b < N; b++)
            {
                var yb = outputs.Slice((t * N + b) * H, H);
                if (!p.Valid(t, b)) { yb.Clear(); continue; }
                var row = at.Slice(b * H, H);
                if (relu) TP.Max(row, 0f, row); else TP.Tanh(row, row);
                row.CopyTo(h.Slice(b * H, H));
                row.CopyTo(yb);
            }
        }
    }

    /// <summary>Backpropagation through time; dy = (dL/d outputs, dL/dh_n). ReLU′(0) = 0.</summary>
    public static void Backward(in RecurrentPass p, bool relu, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh,
        ReadOnlySpan<float> wHh, RnnTape tape, RecurrentGradients grads)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden;
        var dA = new float[T * N * H];
        var dh = dy.Slice(T * N * H, N * H).ToArray();
        var dhNext = new float[N * H];
        for (int k = T - 1; k >= 0; k--)
        {
            int t = p.StepAt(k);
            var dAt = dA.AsSpan(t * N * H, N * H);
            for (int b = 0; b < N; b++)
            {
                var carry = dh.AsSpan(b * H, H); var next = dhNext.AsSpan(b * H, H);
                if (!p.Valid(t, b)) { carry.CopyTo(next); continue; }
                var hRow = tape.States.AsSpan((t * N + b) * H, H);
                var dyRow = dy.Slice((t * N + b) * H, H);
                var da = dAt.Slice(b * H, H);
                for (int j = 0; j < H; j++)
                {
                    float d = carry[j] + dyRow[j], v = hRow[j];
                    da[j] = relu ? (v > 0 ? d : 0f) : d * (1 - v * v);
                }
                next.Clear();
            }
            Gemm.Multiply(false, false, N, H, H, 1f, dAt, H, wHh, H, 1f, dhNext, H);
            (dh, dhNext) = (dhNext, dh);
        }
        if (!grads.H0.IsEmpty) dh.CopyTo(grads.H0);
        LstmKernel.ProjectionGrads(T * N, I, H, H, dA, dA, x, tape.HPrev, wIh, grads);
    }
}
