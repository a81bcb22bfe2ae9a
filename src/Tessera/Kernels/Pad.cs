namespace Tessera.Kernels;

/// <summary>
/// Padding as an index map: each element of the padded block (the trailing dims) reads one element of the input
/// block, or none (−1: the constant). The same map drives the forward gather and the backward scatter-add, so the
/// gradients of repeated copies (reflect, replicate, circular) accumulate into their sources.
/// </summary>
public static class Pad
{
    /// <summary>
    /// Source index along one dim for every output position j: input j − before, folded back by <paramref name="mode"/>
    /// (reflect −j / 2(L−1)−j without repeating the edge, replicate clamp(j, 0, L−1), circular j mod L), or −1 for
    /// a constant fill. Negative padding crops.
    /// </summary>
    public static int[] DimMap(int length, int before, int after, PadMode mode)
    {
        int outLen = length + before + after;
        var map = new int[Math.Max(0, outLen)];
        for (int j = 0; j < map.Length; j++)
        {
            int i = j - before;
            map[j] = mode switch
            {
                PadMode.Constant => (uint)i < (uint)length ? i : -1,
                PadMode.Reflect => i < 0 ? -i : i >= length ? 2 * (length - 1) - i : i,
                PadMode.Replicate => Math.Clamp(i, 0, length - 1),
                _ => ((i % length) + length) % length,
            };
        }
        return map;
    }

    /// <summary>The row-major flat map of a block with several padded dims, from one map per dim (−1 anywhere gives −1).</summary>
    public static int[] BlockMap(int[][] dimMaps, int[] lengths)
    {
        var map = new int[] { 0 };
        for (int d = 0; d < dimMaps.Length; d++)
        {
            var m = dimMaps[d]; int len = lengths[d];
            var next = new int[map.Length * m.Length];
            for (int a = 0; a < map.Length; a++)
                for (int j = 0; j < m.Length; j++)
                    next[a * m.Length + j] = map[a] < 0 || m[j] < 0 ? -1 : map[a] * len + m[j];
            map = next;
        }
        return map;
    }

    /// <summary>y[o, j] = x[o, map[j]] (or <paramref name="value"/> where map[j] = −1) for each of <paramref name="outer"/> blocks.</summary>
    public static void Gather(ReadOnlySpan<float> x, Span<float> y, int outer, int inBlock, ReadOnlySpan<int> map, float value)
    {
        int outBlock = map.Length;
        for (int o = 0; o < outer; o++)
        {
            var src = x.Slice(o * inBlock, inBlock);
            var dst = y.Slice(o * outBlock, outBlock);
            for (int j = 0; j < outBlock; j++) dst[j] = map[j] < 0 ? value : src[map[j]];
        }
    }

    /// <summary>dx[o, map[j]] += dy[o, j]: the adjoint of <see cref="Gather"/> (the constant takes no gradient).</summary>
    public static void Scatter(ReadOnlySpan<float> dy, Span<float> dx, int outer, int inBlock, ReadOnlySpan<int> map)
    {
        int outBlock = map.Length;
        for (int o = 0; o < outer; o++)
        {
            var src = dy.Slice(o * outBlock, outBlock);
            var dst = dx.Slice(o * inBlock, inBlock);
            for (int j = 0; j < outBlock; j++) if (map[j] >= 0) dst[map[j]] += src[j];
        }
    }
}
