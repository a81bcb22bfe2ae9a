namespace Tessera.NN;

/// <summary>Argument checks shared by the single-layer recurrent layers; every message names the layer and the shapes.</summary>
internal static class SequenceChecks
{
    /// <summary>x must be float32 [T, N, features] ([N, T, features] with batch_first); returns (T, N).</summary>
    public static (int T, int N) Sequence(string layer, Tensor x, int features, bool batchFirst, string featureName = "input_size")
    {
        string layout = batchFirst ? $"[batch, time, {featureName}]" : $"[time, batch, {featureName}]";
        if (x.DType != DType.Float32 || x.Rank != 3)
            throw new ArgumentException($"{layer}: input must be float32 {layout} (3 dims), got {DTypes.Name(x.DType)} {ShapeUtil.Format(x.Dims)}");
        if (x.Dims[2] != features)
            throw new ArgumentException($"{layer}: input has {x.Dims[2]} features, expected {features} (shape {ShapeUtil.Format(x.Dims)}, {layout})");
        if (x.Dims[0] == 0 || x.Dims[1] == 0) throw new ArgumentException($"{layer}: input is empty (shape {ShapeUtil.Format(x.Dims)}, {layout})");
        return batchFirst ? (x.Dims[1], x.Dims[0]) : (x.Dims[0], x.Dims[1]);
    }

    /// <summary>A state given by the caller must be float32 of exactly <paramref name="want"/>.</summary>
    public static void State(string layer, Tensor? s, string name, int[] want, string meaning)
    {
        if (s != null && (s.DType != DType.Float32 || !ShapeUtil.SameShape(s.Dims, want)))
            throw new ArgumentException($"{layer}: {name} must be float32 {ShapeUtil.Format(want)} ({meaning}), got {DTypes.Name(s.DType)} {ShapeUtil.Format(s.Dims)}");
    }
}
