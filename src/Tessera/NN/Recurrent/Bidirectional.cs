namespace Tessera.NN;

/// <summary>
/// Runs one recurrent stack forward in time and a second, separate one backward, and merges their output sequences
/// (the Keras wrapper): y_f = forward_layer(x), y_b = flip_t(backward_layer(flip_t(x))), so y_b[t] has read x[T−1..t].
/// Merge "concat" (last dim, forward half first), "sum", "mul" or "ave". Unlike a bidirectional stack, each direction is a
/// complete stack of its own: with num_layers &gt; 1 the backward layers never see forward outputs.
/// x [T, N, I] ([N, T, I] with the layer's batch_first) → [T, N, 2H] for concat, else [T, N, H].
/// </summary>
public sealed class Bidirectional : Module
{
    public RecurrentStack ForwardLayer { get; }
    public RecurrentStack BackwardLayer { get; }
    public string MergeMode { get; }

    /// <summary>Wraps two unidirectional stacks of identical configuration, e.g. <c>new Bidirectional(() =&gt; new LSTM(8, 16))</c>.</summary>
    public Bidirectional(Func<RecurrentStack> makeLayer, string mergeMode = "concat")
    {
        if (mergeMode is not ("concat" or "sum" or "mul" or "ave"))
            throw new ArgumentException($"Bidirectional: merge_mode must be \"concat\", \"sum\", \"mul\" or \"ave\", got \"{mergeMode}\"", nameof(mergeMode));
        ForwardLayer = RegisterModule("forward_layer", makeLayer());
        BackwardLayer = RegisterModule("backward_layer", makeLayer());
        if (ForwardLayer.Bidirectional) throw new ArgumentException($"Bidirectional: the wrapped {ForwardLayer.Name} must be unidirectional (bidirectional=False)");
        MergeMode = mergeMode;
    }

    public override Tensor Forward(Tensor x)
    {
        int time = ForwardLayer.BatchFirst ? 1 : 0;
        var yf = ForwardLayer.Forward(x);
        var yb = F.Flip(BackwardLayer.Forward(F.Flip(x, time)), time);
        return MergeMode switch
        {
            "concat" => F.Cat([yf, yb], -1),
            "sum" => yf + yb,
            "mul" => yf * yb,
            _ => (yf + yb) * 0.5f,
        };
    }

    public override string ExtraRepr() => $"merge_mode={MergeMode}";
}
