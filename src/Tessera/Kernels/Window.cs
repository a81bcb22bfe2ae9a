namespace Tessera.Kernels;

/// <summary>
/// The geometry of a sliding window over up to three spatial dims (depth, height, width) of one sample with
/// <see cref="C"/> channels. 1-d and 2-d ops set the leading dims to size 1 (kernel 1, stride 1, padding 0,
/// dilation 1), so one loop nest serves Conv1d/2d/3d, their transposes, pooling, Unfold and Fold.
/// Along each dim, output position o with tap u reads input position o·S − P + u·Dil
/// (Dumoulin &amp; Visin 2016, "A guide to convolution arithmetic for deep learning").
/// Output sizes are given, not derived, because ConvTranspose and ceil-mode pooling choose their own.
/// </summary>
public readonly struct Window
{
    public readonly int C;
    public readonly int ID, IH, IW;   // input extent
    public readonly int OD, OH, OW;   // output extent
    public readonly int KD, KH, KW;   // kernel taps
    public readonly int SD, SH, SW;   // strides
    public readonly int PD, PH, PW;   // padding before (the padding after only shows in the output size)
    public readonly int DD, DH, DW;   // dilations

    /// <summary>
    /// Builds a window from per-dim lists of 1 to 3 entries (right-aligned: the last entry is the width).
    /// </summary>
    public Window(int channels, ReadOnlySpan<int> input, ReadOnlySpan<int> output, ReadOnlySpan<int> kernel,
        ReadOnlySpan<int> stride, ReadOnlySpan<int> padBefore, ReadOnlySpan<int> dilation)
    {
        int n = input.Length;
        if (n < 1 || n > 3 || output.Length != n || kernel.Length != n || stride.Length != n || padBefore.Length != n || dilation.Length != n)
            throw new ArgumentException($"Window: per-dim lists must all have 1 to 3 entries, got input {ShapeUtil.Format(input)}, output {ShapeUtil.Format(output)}, kernel {ShapeUtil.Format(kernel)}");
        C = channels;
        (ID, IH, IW) = Pick(input, 1);
        (OD, OH, OW) = Pick(output, 1);
        (KD, KH, KW) = Pick(kernel, 1);
        (SD, SH, SW) = Pick(stride, 1);
        (PD, PH, PW) = Pick(padBefore, 0);
        (DD, DH, DW) = Pick(dilation, 1);
    }

    private static (int, int, int) Pick(ReadOnlySpan<int> v, int fill)
    {
        int n = v.Length;
        return (n >= 3 ? v[n - 3] : fill, n >= 2 ? v[n - 2] : fill, v[n - 1]);
    }

    /// <summary>Elements in one input channel plane.</summary>
    public int InPlane => ID * IH * IW;

    /// <summary>Positions in one output channel plane.</summary>
    public int OutPlane => OD * OH * OW;

    /// <summary>Taps of the kernel (kd·kh·kw).</summary>
    public int Taps => KD * KH * KW;

    /// <summary>True when the window is the identity map (1×1×1 kernel, stride 1, no padding): im2col would copy the input unchanged.</summary>
    public bool IsPointwise => Taps == 1 && SD == 1 && SH == 1 && SW == 1 && PD == 0 && PH == 0 && PW == 0 && ID == OD && IH == OH && IW == OW;

    /// <summary>
    /// The output positions o in [lo, hi) whose input index o·stride + offset lies in [0, inSize).
    /// The loops over a row then need no bounds checks.
    /// </summary>
    public static (int Lo, int Hi) ValidRange(int outSize, int inSize, int stride, int offset)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int last = inSize - 1 - offset;
        int hi = last < 0 ? 0 : Math.Min(outSize, last / stride + 1);
        return (Math.Min(lo, hi), hi);
    }

    /// <summary>
    /// Output length of a convolution or pooling window along one dim:
    /// floor((L + before + after − d·(k−1) − 1)/s) + 1, or with <paramref name="ceilMode"/> the ceiling, less one when
    /// the last window would start past the input and left padding (PyTorch's pooling rule).
    /// </summary>
    public static int OutSize(int length, int kernel, int stride, int padBefore, int padAfter, int dilation, bool ceilMode = false)
    {
        long num = (long)length + padBefore + padAfter - (long)dilation * (kernel - 1) - 1;
        if (num < 0) return 0;
        long o = (ceilMode ? (num + stride - 1) / stride : num / stride) + 1;
        if (ceilMode && (o - 1) * stride >= length + padBefore) o--;
        return (int)o;
    }
}
