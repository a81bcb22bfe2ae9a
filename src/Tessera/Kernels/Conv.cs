using System.Buffers;
using System.Numerics.Tensors;

namespace Tessera.Kernels;

/// <summary>
/// Batched grouped convolution and its transpose, lowered to GEMM one sample at a time (im2col, then
/// W_g[out/G, in/G·taps] · cols_g[in/G·taps, positions] per group g). Depthwise layers (one input channel per
/// group) take the direct <see cref="DepthwiseConv"/> kernel instead, and a 1×1 stride-1 conv skips im2col,
/// because its columns are the input itself. Large batches run one sample per task; the weight gradient sums
/// per-chunk partial products. The buffers are arrays, not spans, because the samples are split across threads.
/// Layouts: x [N, C, InPlane], y [N, Cout, OutPlane], weight [Cout, C/G · taps] (Conv) or [C, Cout/G · taps] (ConvTranspose).
/// </summary>
public static class Conv
{
    /// <summary>y = conv(x, weight) + bias. The window's C is the input channel count.</summary>
    public static void Forward(float[] x, float[] weight, float[]? bias, float[] y, int batch, int outChannels, int groups, Window w)
    {
        int cinG = w.C / groups, coutG = outChannels / groups, k = cinG * w.Taps, p = w.OutPlane, inSize = w.C * w.InPlane;
        bool depthwise = cinG == 1 && groups > 1;
        Work.For(batch, (long)batch * outChannels * k * p, n =>
        {
            var xn = x.AsSpan(n * inSize, inSize);
            var yn = y.AsSpan(n * outChannels * p, outChannels * p);
            FillBias(yn, bias, p);
            if (depthwise) { DepthwiseConv.Forward(xn, weight, yn, w, coutG); return; }
            var cols = Lower(xn, w, out var rented);
            for (int g = 0; g < groups; g++)
                Gemm.Multiply(false, false, coutG, p, k, 1f, weight.AsSpan(g * coutG * k), k, cols[(g * k * p)..], p,
                    bias != null ? 1f : 0f, yn[(g * coutG * p)..], p);
            if (rented != null) ArrayPool<float>.Shared.Return(rented);
        });
    }

    /// <summary>dx = the input gradient of <see cref="Forward"/>: col2im(Wᵀ · dy).</summary>
    public static void BackwardInput(float[] dy, float[] weight, float[] dx, int batch, int outChannels, int groups, Window w)
    {
        int cinG = w.C / groups, coutG = outChannels / groups, k = cinG * w.Taps, p = w.OutPlane, inSize = w.C * w.InPlane;
        bool depthwise = cinG == 1 && groups > 1;
        Work.For(batch, (long)batch * outChannels * k * p, n =>
        {
            var dyn = dy.AsSpan(n * outChannels * p, outChannels * p);
            var dxn = dx.AsSpan(n * inSize, inSize);
            dxn.Clear();
            if (depthwise) { DepthwiseConv.BackwardInput(dyn, weight, dxn, w, coutG); return; }
            float[]? rented = null;
            var dcols = w.IsPointwise ? dxn : (rented = ArrayPool<float>.Shared.Rent(w.C * w.Taps * p)).AsSpan(0, w.C * w.Taps * p);
            for (int g = 0; g < groups; g++)
                Gemm.Multiply(true, false, k, p, coutG, 1f, weight.AsSpan(g * coutG * k), k, dyn[(g * coutG * p)..], p, 0f, dcols[(g * k * p)..], p);
            if (rented != null)
            {
                Im2Col.Backward(dcols, dxn, w);
                ArrayPool<float>.Shared.Return(rented);
            }
        });
    }

    /// <summary>dweight = Σ_n dy_n · cols_nᵀ, the weight gradient of <see cref="Forward"/>.</summary>
    public static void BackwardWeight(float[] dy, float[] x, float[] dweight, int batch, int outChannels, int groups, Window w)
    {
        int cinG = w.C / groups, coutG = outChannels / groups, k = cinG * w.Taps, p = w.OutPlane, inSize = w.C * w.InPlane;
        bool depthwise = cinG == 1 && groups > 1;
        int chunks = Work.ChunkCount(batch, (long)batch * outChannels * k * p);
        var partial = new float[chunks][];
        Work.ForChunks(chunks, batch, (c, start, end) =>
        {
            var dw = partial[c] = c == 0 ? dweight : new float[dweight.Length];
            Array.Clear(dw);
            for (int n = start; n < end; n++)
            {
                var xn = x.AsSpan(n * inSize, inSize);
                var dyn = dy.AsSpan(n * outChannels * p, outChannels * p);
                if (depthwise) { DepthwiseConv.BackwardWeight(dyn, xn, dw, w, coutG); continue; }
                var cols = Lower(xn, w, out var rented);
                for (int g = 0; g < groups; g++)
                    Gemm.Multiply(false, true, coutG, k, p, 1f, dyn[(g * coutG * p)..], p, cols[(g * k * p)..], p, 1f, dw.AsSpan(g * coutG * k), k);
                if (rented != null) ArrayPool<float>.Shared.Return(rented);
            }
        });
        for (int c = 1; c < chunks; c++) TensorPrimitives.Add(dweight, partial[c], dweight);
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
            for (int n = 0; n < batch; n++) s += TensorPrimitives.Sum(dy.Slice((n * channels + o) * plane, plane));
            dbias[o] = (float)s;
        }
    }

    /// <summary>The im2col columns of one sample: the input itself for a pointwise window, else a pooled buffer the caller returns.</summary>
    private static ReadOnlySpan<float> Lower(ReadOnlySpan<float> xn, in Window w, out float[]? rented)
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
