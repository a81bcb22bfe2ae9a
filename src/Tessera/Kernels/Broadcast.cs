namespace Tessera.Kernels;

/// <summary>Walks two operands broadcast to one output shape, one innermost row at a time.</summary>
public static class Broadcast
{
    /// <summary>
    /// Calls <paramref name="row"/>(aOffset, aStep, bOffset, bStep, outOffset, length) for every innermost row of
    /// <paramref name="shape"/>; steps are 0 (broadcast) or 1. Adjacent dims that broadcast alike are merged first,
    /// so same-shape and scalar cases are one call.
    /// </summary>
    public static void Rows(ReadOnlySpan<int> shape, ReadOnlySpan<int> aStrides, ReadOnlySpan<int> bStrides, RowAction row)
    {
        // Merge dims: walk from the innermost, fold a dim into the next when both operands are contiguous across it.
        var dims = new List<int>(); var sa = new List<int>(); var sb = new List<int>();
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue;
            int n = dims.Count;
            if (n > 0 && sa[n - 1] * dims[n - 1] == aStrides[i] && sb[n - 1] * dims[n - 1] == bStrides[i])
            { dims[n - 1] *= shape[i]; continue; }
            if (n > 0 && sa[n - 1] == 0 && aStrides[i] == 0 && sb[n - 1] * dims[n - 1] == bStrides[i])
            { dims[n - 1] *= shape[i]; continue; }
            if (n > 0 && sb[n - 1] == 0 && bStrides[i] == 0 && sa[n - 1] * dims[n - 1] == aStrides[i])
            { dims[n - 1] *= shape[i]; continue; }
            dims.Add(shape[i]); sa.Add(aStrides[i]); sb.Add(bStrides[i]);
        }
        if (dims.Count == 0) { row(0, 0, 0, 0, 0, 1); return; }
        int len = dims[0], aStep = sa[0], bStep = sb[0];
        if ((aStep != 0 && aStep != 1) || (bStep != 0 && bStep != 1)) { len = 1; aStep = 0; bStep = 0; dims.Insert(0, 1); sa.Insert(0, 0); sb.Insert(0, 0); }
        int outer = 1;
        for (int i = 1; i < dims.Count; i++) outer *= dims[i];
        var idx = new int[dims.Count];
        int aOff = 0, bOff = 0;
        for (int r = 0; r < outer; r++)
        {
            row(aOff, aStep, bOff, bStep, r * len, len);
            for (int d = 1; d < dims.Count; d++)
            {
                idx[d]++; aOff += sa[d]; bOff += sb[d];
                if (idx[d] < dims[d]) break;
                aOff -= sa[d] * dims[d]; bOff -= sb[d] * dims[d]; idx[d] = 0;
            }
        }
    }

    public delegate void RowAction(int aOffset, int aStep, int bOffset, int bStep, int outOffset, int length);
}
