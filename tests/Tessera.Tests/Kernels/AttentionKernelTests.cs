using Tessera.Kernels;

namespace Tessera.Tests.Kernels;

/// <summary>The strided batched GEMM and the masked-softmax row kernels against naive loops, on odd sizes.</summary>
public class AttentionKernelTests
{
    public static TheoryData<bool, bool, int, int, int, int> Sizes() => new()
    {
        { false, false, 1, 1, 1, 1 },
        { false, true, 7, 3, 5, 2 },
        { true, false, 5, 9, 3, 4 },
        { true, true, 33, 7, 17, 3 },
        { false, true, 16, 16, 8, 8 },
    };

    /// <summary>Heads of [N, L, H·hd] tensors read in place (the multi-head attention layout), compared with a triple loop.</summary>
    [Theory]
    [MemberData(nameof(Sizes))]
    public void StridedGemmMatchesNaiveOnHeadViews(bool transA, bool transB, int m, int n, int k, int heads)
    {
        int batch = 3;
        // A: per (b, h) an op(A) of m×k stored as rows×cols in a [batch, rows, heads·cols] tensor, head h = columns h·cols..
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        var a = Tensor.Randn([batch, aRows, heads * aCols], new Generator(1)).Data.ToArray();
        var b = Tensor.Randn([batch, bRows, heads * bCols], new Generator(2)).Data.ToArray();
        var c = Tensor.Randn([batch, m, heads * n], new Generator(3)).Data.ToArray();
        var c0 = (float[])c.Clone();
        var av = new MatrixBatch(0, aRows * heads * aCols, aCols, heads * aCols);
        var bv = new MatrixBatch(0, bRows * heads * bCols, bCols, heads * bCols);
        var cv = new MatrixBatch(0, m * heads * n, n, heads * n);
        StridedGemm.Multiply(transA, transB, batch, heads, m, n, k, 0.5f, a, av, b, bv, 1f, c, cv);
        for (int bn = 0; bn < batch; bn++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double s = 0;
                        for (int p = 0; p < k; p++)
                        {
                            float x = transA ? a[av.At(bn, h) + p * av.Ld + i] : a[av.At(bn, h) + i * av.Ld + p];
                            float y = transB ? b[bv.At(bn, h) + j * bv.Ld + p] : b[bv.At(bn, h) + p * bv.Ld + j];
                            s += (double)x * y;
                        }
                        int at = cv.At(bn, h) + i * cv.Ld + j;
                        double expect = c0[at] + 0.5 * s;
                        Assert.True(Math.Abs(expect - c[at]) <= 1e-5 * (1 + Math.Abs(expect)), $"({bn}, {h}, {i}, {j}): {c[at]} vs {expect}");
                    }
    }

    [Fact]
    public void RowOffsetsFollowBroadcasting()
    {
        // A [3, 1, 5] mask over scores [2, 3, 4, 5]: score row (a, b, i) reads mask row b (offset 5b); keys contiguous.
        var (rows, col) = ScoreMask.RowOffsets([3, 1, 5], [2, 3, 4, 5]);
        Assert.Equal(1, col);
        Assert.Equal(24, rows.Length);
        for (int r = 0; r < 24; r++) Assert.Equal((r / 4) % 3 * 5, rows[r]);
    }

    [Fact]
    public void RowOffsetsOfAKeyPaddingMaskViewedAsNx1x1xS()
    {
        // Key padding [N=2, S=3] seen as [2, 1, 1, 3] over scores [2, H=2, L=2, 3]: rows of example n all read mask row n.
        var (rows, col) = ScoreMask.RowOffsets([2, 1, 1, 3], [2, 2, 2, 3]);
        Assert.Equal(1, col);
        Assert.Equal(new[] { 0, 0, 0, 0, 3, 3, 3, 3 }, rows);
        // A mask broadcast along the key axis: [4, 1] over [4, 6] has stride 0 there.
        var (rows2, col2) = ScoreMask.RowOffsets([4, 1], [4, 6]);
        Assert.Equal(0, col2);
        Assert.Equal(new[] { 0, 1, 2, 3 }, rows2);
    }

    [Fact]
    public void SoftmaxRowIsStableAndAFullyMaskedRowIsZero()
    {
        var z = new float[] { 1000f, 999f, float.NegativeInfinity, -1000f };
        MaskedSoftmax.Row(z);
        double e = Math.Exp(-1);
        Assert.Equal(1 / (1 + e), z[0], 6);
        Assert.Equal(e / (1 + e), z[1], 6);
        Assert.Equal(0f, z[2]);
        Assert.Equal(0f, z[3]);
        var masked = new[] { float.NegativeInfinity, float.NegativeInfinity };
        MaskedSoftmax.Row(masked);
        Assert.Equal(new[] { 0f, 0f }, masked);
        var dz = new float[2];
        MaskedSoftmax.BackwardRow(masked, [1f, 2f], dz);
        Assert.Equal(new[] { 0f, 0f }, dz);
    }

    [Fact]
    public void ScoreMaskAppliesCausalBoolAndAdditiveMasks()
    {
        var plan = new ScoreMask { Causal = true, Queries = 3 };
        plan.AddBool([false, true, false, false], [4], [2, 3, 4]);
        plan.SetAdditive([0.5f, 1.5f, 2.5f], [3, 1], [2, 3, 4]);
        // Row 4 is query i = 1 of the second block: keys 2, 3 causal-masked, key 1 bool-masked, + 1.5 on the rest.
        var z = new float[] { 1f, 2f, 3f, 4f };
        plan.Apply(4, z);
        Assert.Equal(new[] { 2.5f, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity }, z);
    }
}
