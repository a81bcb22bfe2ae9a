namespace Tessera.NN;

/// <summary>
/// Truncated backpropagation through time (Williams &amp; Peng 1990; TBPTT(k, k) in Sutskever's notation): train a recurrent
/// model on one long stream in windows of k steps, carrying the state from one window to the next but cutting the graph
/// between them, so the memory and time of each update stay O(k) however long the stream is. Gradients then see at most
/// k steps back; the forward values are exactly those of one pass over the whole stream.
/// <code>
/// var tbptt = new TruncatedBptt(steps: 50);
/// foreach (var w in tbptt.Windows(inputs, targets))          // [k, N, I] and [k, N, O] slices
/// {
///     var (y, h, c) = lstm.Forward(w[0], tbptt[0], tbptt[1]);
///     var loss = F.MseLoss(head.Forward(y), w[1]);
///     opt.ZeroGrad(); loss.Backward(); opt.Step();
///     tbptt.Carry(h, c);                                     // detached: the next window starts a new graph
/// }
/// </code>
/// </summary>
public sealed class TruncatedBptt
{
    /// <summary>k, the window length in time steps.</summary>
    public int Steps { get; }
    /// <summary>The time dimension of the streams: 0 for [T, N, ·], 1 for batch-first [N, T, ·].</summary>
    public int TimeDim { get; }
    /// <summary>The carried states, cut from the graph; null before the first <see cref="Carry"/> or after <see cref="Reset"/>.</summary>
    public Tensor[]? State { get; private set; }

    public TruncatedBptt(int steps, int timeDim = 0)
    {
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), $"TruncatedBptt: steps must be positive, got {steps}");
        if (timeDim < 0) throw new ArgumentOutOfRangeException(nameof(timeDim), $"TruncatedBptt: time_dim must be non-negative, got {timeDim}");
        (Steps, TimeDim) = (steps, timeDim);
    }

    /// <summary>The i-th carried state, or null (a zero initial state) before the first window.</summary>
    public Tensor? this[int i] => State == null ? null : State[i];

    /// <summary>
    /// Consecutive windows of <see cref="Steps"/> steps (the last may be shorter) cut from every stream at the same
    /// positions, e.g. inputs and targets; all streams must have the same length along <see cref="TimeDim"/>.
    /// </summary>
    public IEnumerable<Tensor[]> Windows(params Tensor[] streams)
    {
        if (streams.Length == 0) throw new ArgumentException("TruncatedBptt.Windows: give at least one stream");
        foreach (var s in streams)
            if (s.Rank <= TimeDim || s.Dims[TimeDim] != streams[0].Dims[TimeDim])
                throw new ArgumentException($"TruncatedBptt(steps={Steps}): streams must share their length along dim {TimeDim}, got shapes {string.Join(", ", streams.Select(t => ShapeUtil.Format(t.Dims)))}");
        int total = streams[0].Dims[TimeDim];
        for (int start = 0; start < total; start += Steps)
        {
            int len = Math.Min(Steps, total - start);
            yield return streams.Select(s => Slice(s, start, len)).ToArray();
        }
    }

    private Tensor Slice(Tensor s, int start, int len)
    {
        if (s.DType == DType.Float32) return F.Narrow(s.Detach(), TimeDim, start, len);
        // Labels (int64) and masks (bool): the same time range, copied.
        int outer = 1, inner = 1, n = s.Dims[TimeDim];
        for (int i = 0; i < TimeDim; i++) outer *= s.Dims[i];
        for (int i = TimeDim + 1; i < s.Rank; i++) inner *= s.Dims[i];
        var shape = s.Shape; shape[TimeDim] = len;
        if (s.DType == DType.Int64) return Tensor.FromLongs(Copy(s.LongData.ToArray()), shape);
        return Tensor.FromBools(Copy(s.BoolData.ToArray()), shape);

        T[] Copy<T>(T[] src)
        {
            var o = new T[outer * len * inner];
            for (int i = 0; i < outer; i++) Array.Copy(src, (i * n + start) * inner, o, i * len * inner, len * inner);
            return o;
        }
    }

    /// <summary>Keeps these final states (e.g. h_n, c_n) as the next window's initial states, detached from the graph.</summary>
    public void Carry(params Tensor[] finalStates) => State = finalStates.Select(s => s.Detach()).ToArray();

    /// <summary>Forgets the carried state (start of a new, unrelated stream).</summary>
    public void Reset() => State = null;
}
