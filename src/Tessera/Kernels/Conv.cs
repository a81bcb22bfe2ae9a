using System.Buffers;
using System.Numerics.Tensors;

namespace Tessera.Kernels;

/// <summary>
/// Batched grouped convolution and its transpose, lowered to GEMM (im2col, then
/// W_g[out/G, in/G·taps] · cols_g[in/G·taps, positions] per group g). Depthwise layers (one input channel per
/// group) take the direct <see cref="DepthwiseConv"/> kernel instead, and a 1×1 stride-1 conv of one sample skips
/// im2col, because its columns are the input itself.
/// Conv lowers a block of samples at once (<see cref="SampleBlocks"/>): their columns sit side by side, so one GEMM has
/// n = samples·positions. Small layers (LeNet's 6 output channels, ResNet's 2×2 planes) then get GEMMs of a useful
/// shape, and the weight gradient sums over the block's samples inside the GEMM's k. Blocks run one per task when
/// there are enough of them; a single block leaves the cores to the GEMM. The buffers are arrays, not spans, because
/// the blocks are split across threads.
/// Layouts: x [N, C, InPlane], y [N, Cout, OutPlane], weight [Cout, C/G · taps] (Conv) or [C, Cout/G · taps] (ConvTranspose).
/// </summary>
public static class Conv
{
    /// <summary>
    /// Most floats of im2col columns lowered at once: a block of samples stays about 1 MiB, within a core's L2, so
    /// the GEMM reads columns that im2col has just written.
    /// </summary>
    internal const int ColumnBudget = 1 << 18;

    /// <summary>y = conv(x, weight) + bias. The window's C is the input channel count.</summary>
    public static void Forward(float[] x, float[] weight, float[]? bias, float[] y, int batch, int outChannels, int groups, Window w)
    {
        int cinG = w.C / groups, coutG = outChannels / groups, k = cinG * w.Taps, p = w.OutPlane, inSize = w.C * w.InPlane;
        long work = (long)batch * outChannels * k * p;
        if (cinG == 1 && groups > 1)
        {
            Work.For(batch, work, n =>
            {
                var yn = y.AsSpan(n * outChannels * p, outChannels * p);
                FillBias(yn, bias, p);
                DepthwiseConv.Forward(x.AsSpan(n * inSize, inSize), weight, yn, w, coutG);
            });
            return;
        }
        if (Winograd.Applies(w, groups, outChannels))
        {
            Winograd.Convolve(x, w.C, w.IH, w.IW, weight, adjoint: false, bias, y, outChannels, w.OH, w.OW, w.PH, w.PW, batch);
            return;
        }
        var (blocks, per) = SampleBlocks(batch, (long)w.C * w.Taps * p, work);
        Work.For(blocks, work, b =>
        {
            int n0 = b * per, s = Math.Min(per, batch - n0), ld = s * p;
            if (s == 1)
            {
                var yn = y.AsSpan(n0 * outChannels * p, outChannels * p);
                if (bias != null) FillBias(yn, bias, p);   // without a bias the GEMM (beta = 0) writes every output
                var cols = Lower(x.AsSpan(n0 * inSize, inSize), w, out var rented);
                for (int g = 0; g < groups; g++)
                    Gemm.Multiply(false, false, coutG, p, k, 1f, weight.AsSpan(g * coutG * k), k, cols[(g * k * p)..], p,
                        bias != null ? 1f : 0f, yn[(g * coutG * p)..], p);
                if (rented != null) ArrayPool<float>.Shared.Return(rented);
                return;
            }
            var colsBuf = LowerBlock(x, n0, s, w);
            var outBuf = ArrayPool<float>.Shared.Rent(outChannels * ld);
            for (int g = 0; g < groups; g++)
                Gemm.Multiply(false, false, coutG, ld, k, 1f, weight.AsSpan(g * coutG * k), k, colsBuf.AsSpan(g * k * ld), ld,
                    0f, outBuf.AsSpan(g * coutG * ld), ld);
            // Back from [Cout, samples·positions] to [samples, Cout, positions], adding the bias on the way.
            for (int i = 0; i < s; i++)
                for (int o = 0; o < outChannels; o++)
                {
                    var src = outBuf.AsSpan(o * ld + i * p, p);
                    var dst = y.AsSpan(((n0 + i) * outChannels + o) * p, p);
                    src.CopyTo(dst);
                    if (bias != null) Vec.AddScalar(bias[o], dst);
                }
            ArrayPool<float>.Shared.Return(outBuf);
            ArrayPool<float>.Shared.Return(colsBuf);
        });
    }

    /// <summary>dx = the input gradient of <see cref="Forward"/>: col2im(Wᵀ · dy).</summary>
    public static void BackwardInput(float[] dy, float[] weight, float[] dx, int batch, int outChannels, int groups, Window w)
    {
        int cinG = w.C / groups, coutG = outChannels / groups, k = cinG * w.Taps, p = w.OutPlane, inSize = w.C * w.InPlane;
        long work = (long)batch * outChannels * k * p;
        if (cinG == 1 && groups > 1)
        {
            Work.For(batch, work, n =>
            {
                var dxn = dx.AsSpan(n * inSize, inSize);
                dxn.Clear();
                DepthwiseConv.BackwardInput(dy.AsSpan(n * outChannels * p, outChannels * p), weight, dxn, w, coutG);
            });
            return;
        }
        if (Winograd.Applies(w, groups, outChannels))
        {
            // dx is the 3×3 convolution of dy with the flipped, transposed kernel, padded by 2 − pad.
            Winograd.Convolve(dy, outChannels, w.OH, w.OW, weight, adjoint: true, null, dx, w.C, w.IH, w.IW, 2 - w.PH, 2 - w.PW, batch);
            return;
        }
        var (blocks, per) = SampleBlocks(batch, (long)w.C * w.Taps * p, work);
        Work.For(blocks, work, b =>
        {
            int n0 = b * per, s = Math.Min(per, batch - n0), ld = s * p;
            bool direct = s == 1 && w.IsPointwise;   // the GEMM (beta = 0) writes dx itself; col2im accumulates into zeros
            if (!direct) dx.AsSpan(n0 * inSize, s * inSize).Clear();
            float[]? dyBuf = s == 1 ? null : GatherBlock(dy, n0, s, outChannels, p);
            ReadOnlySpan<float> dyb = dyBuf ?? dy.AsSpan(n0 * outChannels * p, outChannels * p);
            float[]? rented = null;
            var dcols = direct ? dx.AsSpan(n0 * inSize, inSize)
                : (rented = ArrayPool<float>.Shared.Rent(w.C * w.Taps * ld)).AsSpan(0, w.C * w.Taps * ld);
            for (int g = 0; g < groups; g++)
                Gemm.Multiply(true, false, k, ld, coutG, 1f, weight.AsSpan(g * coutG * k), k, dyb[(g * coutG * ld)..], ld, 0f, dcols[(g * k * ld)..], ld);
            if (rented != null)
            {
                for (int i = 0; i < s; i++) Im2Col.Backward(dcols[(i * p)..], dx.AsSpan((n0 + i) * inSize, inSize), w, ld);
                ArrayPool<float>.Shared.Return(rented);
            }
            if (dyBuf != null) ArrayPool<float>.Shared.Return(dyBuf);
        });
    }

    /// <summary>dweight = Σ_n dy_n · cols_nᵀ, the weight gradient of <see cref="Forward"/>.</summary>
    public static void BackwardWeight(float[] dy, float[] x, float[] dweight, int batch, int outChannels, int groups, Window w)
    {
        int cinG = w.C / groups, coutG = outChannels / groups, k = cinG * w.Taps, p = w.OutPlane, inSize = w.C * w.InPlane;
        bool depthwise = cinG == 1 && groups > 1;
        long work = (long)batch * outChannels * k * p;
        // Depthwise accumulates sample by sample; otherwise a block of samples is one GEMM whose k runs over them all.
        var (blocks, per) = depthwise ? (batch, 1) : SampleBlocks(batch, (long)w.C * w.Taps * p, work);
        int chunks = Work.ChunkCount(blocks, work);
        var partial = new float[chunks][];
        Work.ForChunks(chunks, blocks, (c, start, end) =>
        {
            var dw = partial[c] = c == 0 ? dweight : new float[dweight.Length];
            Array.Clear(dw);
            for (int b = start; b < end; b++)
            {
                int n0 = b * per, s = Math.Min(per, batch - n0), ld = s * p;
                if (depthwise)
                {
                    DepthwiseConv.BackwardWeight(dy.AsSpan(n0 * outChannels * p, outChannels * p), x.AsSpan(n0 * inSize, inSize), dw, w, coutG);
                    continue;
                }
                float[]? dyBuf = null, colsBuf = null, rented = null;
                ReadOnlySpan<float> dyb, cols;
                if (s == 1)
                {
                    dyb = dy.AsSpan(n0 * outChannels * p, outChannels * p);
                    cols = Lower(x.AsSpan(n0 * inSize, inSize), w, out rented);
                }
                else
                {
                    dyb = dyBuf = GatherBlock(dy, n0, s, outChannels, p);
                    cols = colsBuf = LowerBlock(x, n0, s, w);
                }
                for (int g = 0; g < groups; g++)
                    Gemm.Multiply(false, true, coutG, k, ld, 1f, dyb[(g * coutG * ld)..], ld, cols[(g * k * ld)..], ld, 1f, dw.AsSpan(g * coutG * k), k);
                if (rented != null) ArrayPool<float>.Shared.Return(rented);
                if (colsBuf != null) ArrayPool<float>.Shared.Return(colsBuf);
                if (dyBuf != null) ArrayPool<float>.Shared.Return(dyBuf);
            }
        });
        for (int c = 1; c < chunks; c++) TensorPrimitives.Add(dweight, partial[c], dweight);
    }

    /// <summary>
    /// Splits <paramref name="batch"/> samples into blocks lowered together: as many samples as fit
    /// <see cref="ColumnBudget"/> floats of columns, and, when the job is split across cores and needs several blocks
    /// anyway, a whole number of blocks per core.
    /// </summary>
    internal static (int Blocks, int PerBlock) SampleBlocks(int batch, long colsPerSample, long work)
    {
        int per = (int)Math.Clamp(ColumnBudget / Math.Max(1, colsPerSample), 1, batch);
        int blocks = (batch + per - 1) / per;
        if (blocks > 1 && Work.Split(blocks, work))
        {
            int threads = Environment.ProcessorCount;
            blocks = Math.Min(batch, (blocks + threads - 1) / threads * threads);
        }
        per = (batch + blocks - 1) / blocks;
        return ((batch + per - 1) / per, per);
    }

    /// <summary>The columns of samples n0 … n0+s−1 side by side, [C·taps, s·OutPlane], in a pooled buffer the caller returns.</summary>
    private static float[] LowerBlock(float[] x, int n0, int s, in Window w)
    {
        int p = w.OutPlane, ld = s * p, inSize = w.C * w.InPlane;
        var cols = ArrayPool<float>.Shared.Rent(w.C * w.Taps * ld);
        for (int i = 0; i < s; i++) Im2Col.Forward(x.AsSpan((n0 + i) * inSize, inSize), cols.AsSpan(i * p), w, ld);
        return cols;
    }

    /// <summary>dy of samples n0 … n0+s−1 as one matrix [C, s·plane], in a pooled buffer the caller returns.</summary>
    private static float[] GatherBlock(float[] dy, int n0, int s, int channels, int plane)
    {
        int ld = s * plane;
        var buf = ArrayPool<float>.Shared.Rent(channels * ld);
        for (int i = 0; i < s; i++)
            for (int o = 0; o < channels; o++)
                dy.AsSpan(((n0 + i) * channels + o) * plane, plane).CopyTo(buf.AsSpan(o * ld + i * plane, plane));
        return buf;
    }

    /// <summary>
    /// y = convTranspose(x, weight) + bias: the input gradient of a Conv whose input is y. The window describes that
    /// Conv: its C is the output channel count, its input is y's spatial extent and its output is x's.
    /// </summary>
    public static void TransposeForward(float[] x, float[] weight, float[]? bias, float[] y, int batch, int inChannels, int groups, Window w)
    {
        int cout = w.C, cinG = inChannels / groups, coutG = cout / groups, k = coutG * w.Taps, p = w.OutPlane, ySize = cout * w.InPlane;
        bool depthwise = coutG == 1 && groups > 1;
        Work.For(batch, (long)batch * inChannels * k * p, n =>
        {
            var xn = x.AsSpan(n * inChannels * p, inChannels * p);
            var yn = y.AsSpan(n * ySize, ySize);
            FillBias(yn, bias, w.InPlane);
            // Channel o of a depthwise transpose gathers input channels o·cinG … o·cinG + cinG − 1, the pattern of a depthwise input gradient.
            if (depthwise) { DepthwiseConv.BackwardInput(xn, weight, yn, w, cinG); return; }
            float[]? rented = null;
            var cols = w.IsPointwise ? yn : (rented = ArrayPool<float>.Shared.Rent(cout * w.Taps * p)).AsSpan(0, cout * w.Taps * p);
            for (int g = 0; g < groups; g++)
                Gemm.Multiply(true, false, k, p, cinG, 1f, weight.AsSpan(g * cinG * k), k, xn[(g * cinG * p)..], p,
                    rented == null && bias != null ? 1f : 0f, cols[(g * k * p)..], p);
            if (rented != null)
            {
                Im2Col.Backward(cols, yn, w);
                ArrayPool<float>.Shared.Return(rented);
            }
        });
    }

    /// <summary>dx = W · im2col(dy), the input gradient of <see cref="TransposeForward"/> (a plain convolution of dy).</summary>
    public static void TransposeBackwardInput(float[] dy, float[] weight, float[] dx, int batch, int inChannels, int groups, Window w)
    {
        int cout = w.C, cinG = inChannels / groups, coutG = cout / groups, k = coutG * w.Taps, p = w.OutPlane, ySize = cout * w.InPlane;
        bool depthwise = coutG == 1 && groups > 1;
        Work.For(batch, (long)batch * inChannels * k * p, n =>
        {
            var dyn = dy.AsSpan(n * ySize, ySize);
            var dxn = dx.AsSpan(n * inChannels * p, inChannels * p);
            if (depthwise) { dxn.Clear(); DepthwiseConv.Forward(dyn, weight, dxn, w, cinG); return; }
            var dcols = Lower(dyn, w, out var rented);
            for (int g = 0; g < groups; g++)
                Gemm.Multiply(false, false, cinG, p, k, 1f, weight.AsSpan(g * cinG * k), k, dcols[(g * k * p)..], p, 0f, dxn[(g * cinG * p)..], p);
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
        });
    }

    /// <summary>dweight = Σ_n x_n · im2col(dy_n)ᵀ, the weight gradient of <see cref="TransposeForward"/>.</summary>
    public static void TransposeBackwardWeight(float[] dy, float[] x, float[] dweight, int batch, int inChannels, int groups, Window w)
    {
        int cout = w.C, cinG = inChannels / groups, coutG = cout / groups, k = coutG * w.Taps, p = w.OutPlane, ySize = cout * w.InPlane;
        bool depthwise = coutG == 1 && groups > 1;
        int chunks = Work.ChunkCount(batch, (long)batch * inChannels * k * p);
        var partial = new float[chunks][];
        Work.ForChunks(chunks, batch, (c, start, end) =>
        {
            var dw = partial[c] = c == 0 ? dweight : new float[dweight.Length];
            Array.Clear(dw);
            for (int n = start; n < end; n++)
            {
                var dyn = dy.AsSpan(n * ySize, ySize);
                var xn = x.AsSpan(n * inChannels * p, inChannels * p);
                if (depthwise) { DepthwiseConv.BackwardWeight(xn, dyn, dw, w, cinG); continue; }
                var dcols = Lower(dyn, w, out var rented);
                for (int g = 0; g < groups; g++)
                    Gemm.Multiply(false, true, cinG, k, p, 1f, xn[(g * cinG * p)..], p, dcols[(g * k * p)..], p, 1f, dw.AsSpan(g * cinG * k), k);
                if (rented != null) ArrayPool<float>.Shared.Return(rented);
            }
        });
        for (int c = 1; c < chunks; c++) TensorPrimitives.Add(dweight, partial[c], dweight);
    }

    /// <summary>db[o] = Σ over samples and positions of dy[n, o, ·], accumulated in float64.</summary>
    public static void BiasGrad(ReadOnlySpan<float> dy, Span<float> dbias, int batch, int channels, int plane)
    {
        for (int o = 0; o < channels; o++)
        {
            double s = 0;
            for (int n = 0; n < batch; n++) s += Vec.Sum(dy.Slice((n * channels + o) * plane, plane));
            dbias[o] = (float)s;
        }
    }

    /// <summary>The im2col columns of one sample: the input itself for a pointwise window, else a pooled buffer the caller returns.</summary>
    private static ReadOnlySpan<float> Lower(ReadOnlySpan<float> xn, scoped in Window w, out float[]? rented)
    {
        if (w.IsPointwise) { rented = null; return xn; }
        int size = w.C * w.Taps * w.OutPlane;
        rented = ArrayPool<float>.Shared.Rent(size);
        var cols = rented.AsSpan(0, size);
        Im2Col.Forward(xn, cols, w);
        return cols;
    }

    private static void FillBias(Span<float> y, float[]? bias, int plane)
    {
        if (bias == null) { y.Clear(); return; }
        for (int o = 0; o < bias.Length; o++) y.Slice(o * plane, plane).Fill(bias[o]);
    }
}
