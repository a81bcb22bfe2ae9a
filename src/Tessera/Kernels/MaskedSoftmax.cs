using System.Numerics.Tensors;

namespace Tessera.Kernels;

/// <summary>
/// The masks applied to a block of attention scores [rows, S] before the softmax, without materialising them at the
/// scores' size: each mask is kept at its own (broadcastable) shape with, per score row, the offset of its row and the
/// stride along the key axis (0 when the mask is broadcast along it). Row r is query <c>r mod Queries</c>.
/// </summary>
public sealed class ScoreMask
{
    /// <summary>Masks key j &gt; query i (top-left aligned, also when the query and key counts differ).</summary>
    public bool Causal { get; init; }

    /// <summary>Queries per block of rows (the causal mask needs the query index of a row).</summary>
    public int Queries { get; init; } = 1;

    internal readonly List<(bool[] Data, int[] Rows, int ColStride)> Bools = [];
    internal (float[] Data, int[] Rows, int ColStride)? Additive;

    /// <summary>True when nothing is masked or added.</summary>
    public bool IsEmpty => !Causal && Bools.Count == 0 && Additive == null;

    /// <summary>Adds a bool mask (true = masked out) of shape <paramref name="maskShape"/>, broadcast to the scores' <paramref name="scoresShape"/>.</summary>
    public void AddBool(bool[] data, int[] maskShape, int[] scoresShape)
    {
        var (rows, col) = RowOffsets(maskShape, scoresShape);
        Bools.Add((data, rows, col));
    }

    /// <summary>Sets the float mask added to the scores; its shape broadcasts to <paramref name="scoresShape"/>.</summary>
    public void SetAdditive(float[] data, int[] maskShape, int[] scoresShape)
    {
        var (rows, col) = RowOffsets(maskShape, scoresShape);
        Additive = (data, rows, col);
    }

    /// <summary>For every score row (all dims but the last), the offset of the mask's matching row; and the mask's stride along the last dim.</summary>
    public static (int[] Rows, int ColStride) RowOffsets(int[] maskShape, int[] scoresShape)
    {
        var st = ShapeUtil.BroadcastStrides(maskShape, scoresShape);
        int r = scoresShape.Length;
        int rows = ShapeUtil.Numel(scoresShape.AsSpan(0, r - 1));
        var off = new int[rows];
        var idx = new int[Math.Max(0, r - 1)];
        int cur = 0;
        for (int row = 0; row < rows; row++)
        {
            off[row] = cur;
            for (int d = r - 2; d >= 0; d--)
            {
                idx[d]++; cur += st[d];
                if (idx[d] < scoresShape[d]) break;
                cur -= st[d] * scoresShape[d]; idx[d] = 0;
            }
        }
        return (off, st[r - 1]);
    }

    /// <summary>Sets masked scores of row <paramref name="row"/> to −∞ and adds the float mask.</summary>
    public void Apply(int row, Span<float> z)
    {
        int s = z.Length;
        if (Causal)
        {
            int i = row % Queries;
            if (i + 1 < s) z[(i + 1)..].Fill(float.NegativeInfinity);
        }
        foreach (var (data, rows, col) in Bools)
        {
            int o = rows[row];
            if (col == 0) { if (data[o]) z.Fill(float.NegativeInfinity); continue; }
            for (int j = 0; j < s; j++) if (data[o + j * col]) z[j] = float.NegativeInfinity;
        }
        if (Additive is { } additive)
        {
            var (add, arows, acol) = additive;
            int o = arows[row];
            if (acol == 1) TensorPrimitives.Add(z, add.AsSpan(o, s), z);
            else if (acol == 0) TensorPrimitives.Add(z, add[o], z);
            else for (int j = 0; j < s; j++) z[j] += add[o + j * acol];
        }
    }

    /// <summary>Adds a row of score gradients into the float mask's gradient (summing over the dims it was broadcast along).</summary>
    internal void AccumulateAdditiveGrad(int row, ReadOnlySpan<float> dz, float[] grad)
    {
        var (_, arows, acol) = Additive!.Value;
        int o = arows[row];
        if (acol == 1) { var dst = grad.AsSpan(o, dz.Length); TensorPrimitives.Add(dst, dz, dst); }
        else if (acol == 0) grad[o] += TensorPrimitives.Sum(dz);
        else for (int j = 0; j < dz.Length; j++) grad[o + j * acol] += dz[j];
    }
}

/// <summary>Row kernels of the attention softmax: numerically stable, and a row whose keys are all masked gives weights 0 (not 0/0 = NaN).</summary>
public static class MaskedSoftmax
{
    /// <summary>In place: z ← softmax(z) (max subtracted first). A row that is entirely −∞ becomes all zeros.</summary>
    public static void Row(Span<float> z)
    {
        float max = TensorPrimitives.Max(z);
        if (float.IsNegativeInfinity(max)) { z.Clear(); return; }
        TensorPrimitives.Subtract(z, max, z);
        TensorPrimitives.Exp(z, z);
        float sum = TensorPrimitives.Sum(z);
        TensorPrimitives.Divide(z, sum, z);
    }

    /// <summary>dz = y ⊙ (g − Σ g⊙y) for one row (zero rows stay zero).</summary>
    public static void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dz)
    {
        float dot = TensorPrimitives.Dot(g, y);
        TensorPrimitives.Subtract(g, dot, dz);
        TensorPrimitives.Multiply(dz, y, dz);
    }
}
