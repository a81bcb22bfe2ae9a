using System.Buffers;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Tessera.Kernels;

/// <summary>What an Elman RNN pass keeps for its backward (time-indexed).</summary>
internal sealed class RnnTape(in RecurrentPass p)
{
    /// <summary>[T, N, H]: the pre-activations of every step, then after the step h_t.</summary>
    public readonly float[] States = GC.AllocateUninitializedArray<float>(p.Steps * p.Batch * p.Hidden);
    /// <summary>[T, N, H]: h entering step t.</summary>
    public readonly float[] HPrev = GC.AllocateUninitializedArray<float>(p.SlotLength(p.Hidden));
}

/// <summary>
/// A whole-sequence Elman RNN layer in one direction (Elman 1990): h_t = act(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh),
/// act = tanh or ReLU. Outputs: y [T, N, H], h_n [N, H].
/// </summary>
internal static class RnnKernel
{
    public static void Forward(in RecurrentPass p, bool relu, ReadOnlySpan<float> x, ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh,
        ReadOnlySpan<float> bIh, ReadOnlySpan<float> bHh, ReadOnlySpan<float> h0, RnnTape tape, Span<float> y, Span<float> h)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden;
        var a = tape.States.AsSpan();
        var wT = ArrayPool<float>.Shared.Rent(Math.Max(I, H) * H);
        try
        {
            RecurrentPass.FillRows(a, T * N, H, bIh, bHh);
            RecurrentPass.Transpose(wIh, H, I, wT);
            Gemm.Multiply(false, false, T * N, H, I, 1f, x, I, wT, H, 1f, a, H);
            RecurrentPass.Transpose(wHh, H, H, wT);
            h0.CopyTo(h);
            for (int k = 0; k < T; k++)
            {
                int t = p.StepAt(k);
                var at = a.Slice(t * N * H, N * H);
                if (p.Save) h.CopyTo(tape.HPrev.AsSpan(t * N * H));
                Gemm.Multiply(false, false, N, H, H, 1f, h, H, wT, H, 1f, at, H);
                for (int b = 0; b < N; b++)
                {
                    var yb = y.Slice((t * N + b) * H, H);
                    if (!p.Valid(t, b)) { yb.Clear(); continue; }
                    var row = at.Slice(b * H, H);
                    if (relu) TP.Max(row, 0f, row); else TP.Tanh(row, row);
                    row.CopyTo(h.Slice(b * H, H));
                    row.CopyTo(yb);
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(wT); }
    }

    /// <summary>Backpropagation through time; dY [T, N, H] and dHN [N, H] (empty: zero). ReLU′(0) = 0.</summary>
    public static void Backward(in RecurrentPass p, bool relu, ReadOnlySpan<float> dY, ReadOnlySpan<float> dHN, ReadOnlySpan<float> x,
        ReadOnlySpan<float> wIh, ReadOnlySpan<float> wHh, RnnTape tape, RecurrentGradients grads)
    {
        int T = p.Steps, N = p.Batch, I = p.Input, H = p.Hidden;
        var pool = ArrayPool<float>.Shared;
        var dAArray = pool.Rent(T * N * H); var scratch = pool.Rent(2 * N * H);
        try
        {
            var dA = dAArray.AsSpan(0, T * N * H);
            var dh = scratch.AsSpan(0, N * H); var dhNext = scratch.AsSpan(N * H, N * H);
            if (dHN.IsEmpty) dh.Clear(); else dHN.CopyTo(dh);
            for (int k = T - 1; k >= 0; k--)
            {
                int t = p.StepAt(k);
                var dAt = dA.Slice(t * N * H, N * H);
                for (int b = 0; b < N; b++)
                {
                    var carry = dh.Slice(b * H, H); var next = dhNext.Slice(b * H, H); var da = dAt.Slice(b * H, H);
                    if (!p.Valid(t, b)) { carry.CopyTo(next); da.Clear(); continue; }
                    var hRow = tape.States.AsSpan((t * N + b) * H, H);
                    if (dY.IsEmpty) carry.CopyTo(da); else TP.Add(carry, dY.Slice((t * N + b) * H, H), da);
                    for (int j = 0; j < H; j++)
                        da[j] = relu ? (hRow[j] > 0 ? da[j] : 0f) : da[j] * (1 - hRow[j] * hRow[j]);
                    next.Clear();
                }
                Gemm.Multiply(false, false, N, H, H, 1f, dAt, H, wHh, H, 1f, dhNext, H);
                var swap = dh; dh = dhNext; dhNext = swap;
            }
            if (!grads.H0.IsEmpty) dh.CopyTo(grads.H0);
            LstmKernel.ProjectionGrads(T * N, I, H, H, dA, dA, x, tape.HPrev, wIh, grads);
        }
        finally { pool.Return(dAArray); pool.Return(scratch); }
    }
}
