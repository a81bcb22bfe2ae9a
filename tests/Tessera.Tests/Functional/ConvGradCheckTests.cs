namespace Tessera.Tests.Functional;

/// <summary>Finite-difference gradient checks with random cotangents for every op of the convolution family.</summary>
public class ConvGradCheckTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed));
    private static Tensor Pos(int seed, params int[] shape) => (F.Abs(R(seed, shape)) + 0.3f).Detach();

    /// <summary>Distinct values 0.1 apart in random order, so a finite-difference step cannot change which element is a maximum.</summary>
    private static Tensor Distinct(int seed, params int[] shape)
    {
        int n = ShapeUtil.Numel(shape);
        var perm = new Generator((ulong)seed).Permutation(n).Select(v => (v - n / 2) * 0.1f).ToArray();
        return Tensor.FromArray(perm, shape);
    }

    // ---- convolutions ----
    [Fact] public void Conv1dStrideDilationPadding() => GradCheck.Check(xs => F.Conv1d(xs[0], xs[1], xs[2], stride: 2, padding: 2, dilation: 2), [R(1, 2, 3, 9), R(2, 4, 3, 3), R(3, 4)]);
    [Fact] public void Conv1dSameEvenKernel() => GradCheck.Check(xs => F.Conv1d(xs[0], xs[1], null, padding: "same"), [R(1, 2, 2, 6), R(2, 3, 2, 4)]);
    [Fact] public void Conv2d() => GradCheck.Check(xs => F.Conv2d(xs[0], xs[1], xs[2], padding: 1), [R(1, 2, 3, 5, 4), R(2, 4, 3, 3, 3), R(3, 4)]);
    [Fact] public void Conv2dGroupedRectStride() => GradCheck.Check(xs => F.Conv2d(xs[0], xs[1], xs[2], stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2), [R(1, 2, 4, 6, 5), R(2, 6, 2, 3, 2), R(3, 6)]);
    [Fact] public void Conv2dDepthwise() => GradCheck.Check(xs => F.Conv2d(xs[0], xs[1], xs[2], stride: 2, padding: 1, groups: 3), [R(1, 2, 3, 6, 5), R(2, 6, 1, 3, 3), R(3, 6)]);
    [Fact] public void Conv2dPointwise() => GradCheck.Check(xs => F.Conv2d(xs[0], xs[1], xs[2]), [R(1, 2, 3, 4, 3), R(2, 5, 3, 1, 1), R(3, 5)]);
    [Fact] public void Conv3dGrouped() => GradCheck.Check(xs => F.Conv3d(xs[0], xs[1], xs[2], stride: (1, 2, 1), padding: (1, 0, 1), groups: 2), [R(1, 1, 4, 3, 4, 3), R(2, 2, 2, 2, 2, 3), R(3, 2)]);
    [Fact] public void Conv2dUnbatched() => GradCheck.Check(xs => F.Conv2d(xs[0], xs[1], null, padding: 1), [R(1, 2, 4, 3), R(2, 3, 2, 3, 3)]);

    [Fact]
    public void Conv2dReflectPaddingMode()
    {
        var m = new Tessera.NN.Conv2d(2, 3, (3, 2), padding: (1, 2), paddingMode: PadMode.Reflect);
        GradCheck.Check(xs => m.Forward(xs[0]), [R(1, 2, 2, 4, 5)]);
    }

    [Fact] public void ConvTranspose1d() => GradCheck.Check(xs => F.ConvTranspose1d(xs[0], xs[1], xs[2], stride: 2, padding: 1, outputPadding: 1), [R(1, 2, 3, 4), R(2, 3, 2, 3), R(3, 2)]);
    [Fact] public void ConvTranspose2dGroupedDilated() => GradCheck.Check(xs => F.ConvTranspose2d(xs[0], xs[1], xs[2], stride: (2, 1), padding: (0, 1), outputPadding: (1, 0), groups: 2, dilation: (1, 2)), [R(1, 2, 4, 3, 3), R(2, 4, 2, 2, 3), R(3, 4)]);
    [Fact] public void ConvTranspose2dDepthwise() => GradCheck.Check(xs => F.ConvTranspose2d(xs[0], xs[1], xs[2], stride: 2, padding: 1, groups: 3), [R(1, 2, 3, 3, 3), R(2, 3, 1, 4, 4), R(3, 3)]);
    [Fact] public void ConvTranspose2dPointwise() => GradCheck.Check(xs => F.ConvTranspose2d(xs[0], xs[1], xs[2]), [R(1, 2, 3, 3, 2), R(2, 3, 2, 1, 1), R(3, 2)]);
    [Fact] public void ConvTranspose3d() => GradCheck.Check(xs => F.ConvTranspose3d(xs[0], xs[1], xs[2], stride: 2, padding: 1, outputPadding: (1, 0, 1)), [R(1, 1, 2, 2, 3, 2), R(2, 2, 2, 3, 3, 3), R(3, 2)]);

    [Fact] public void TiledConv2d() => GradCheck.Check(xs => F.TiledConv2d(xs[0], xs[1], xs[2], stride: 1, padding: 1), [R(1, 2, 2, 4, 5), R(2, 2, 3, 2, 2, 3, 2), R(3, 2)]);
    [Fact] public void LocallyConnected2d() => GradCheck.Check(xs => F.LocallyConnected2d(xs[0], xs[1], xs[2], stride: (2, 1), padding: 1), [R(1, 2, 2, 4, 3), R(2, 3, 4, 2, 2, 2, 2), R(3, 2, 3, 4)]);

    [Fact]
    public void DeformConv2d()
    {
        // Offsets with fractional parts in [0.2, 0.8]: every sample point stays clear of the bilinear kinks at integers.
        var off = Tensor.Rand([2, 18, 4, 5], 0.2f, 0.8f, new Generator(9)) + Tensor.RandInt(3, [2, 18, 4, 5], new Generator(10)).To(DType.Float32) - 1f;
        GradCheck.Check(xs => F.DeformConv2d(xs[0], xs[1], xs[2], xs[3], padding: 1), [R(1, 2, 2, 4, 5), off.Detach(), R(3, 3, 2, 3, 3), R(4, 3)], eps: 5e-3);
    }

    // ---- pooling ----
    [Fact] public void MaxPool1d() => GradCheck.Check(xs => F.MaxPool1d(xs[0], 3, 2, 1, 2, ceilMode: true), [Distinct(1, 2, 2, 10)]);
    [Fact] public void MaxPool2d() => GradCheck.Check(xs => F.MaxPool2d(xs[0], 3, 2, 1), [Distinct(2, 2, 2, 6, 7)]);
    [Fact] public void MaxPool3d() => GradCheck.Check(xs => F.MaxPool3d(xs[0], 2, 1, 0, (1, 2, 1)), [Distinct(3, 1, 2, 3, 4, 3)]);
    [Fact] public void AvgPool1d() => GradCheck.Check(xs => F.AvgPool1d(xs[0], 3, 2, 1, ceilMode: true, countIncludePad: false), [R(1, 2, 2, 8)]);
    [Fact] public void AvgPool2d() => GradCheck.Check(xs => F.AvgPool2d(xs[0], (3, 2), (2, 1), (1, 1), ceilMode: true), [R(1, 2, 2, 5, 6)]);
    [Fact] public void AvgPool2dDivisorOverride() => GradCheck.Check(xs => F.AvgPool2d(xs[0], 2, divisorOverride: 3), [R(1, 2, 2, 4, 4)]);
    [Fact] public void AvgPool3d() => GradCheck.Check(xs => F.AvgPool3d(xs[0], 2, 2, 1, countIncludePad: false), [R(1, 1, 2, 3, 4, 3)]);
    [Fact] public void AdaptiveAvgPool2d() => GradCheck.Check(xs => F.AdaptiveAvgPool2d(xs[0], (3, 5)), [R(1, 2, 2, 7, 4)]);
    [Fact] public void AdaptiveMaxPool1d() => GradCheck.Check(xs => F.AdaptiveMaxPool1d(xs[0], 4), [Distinct(1, 2, 3, 7)]);
    [Fact] public void AdaptiveMaxPool2d() => GradCheck.Check(xs => F.AdaptiveMaxPool2d(xs[0], (2, 3)), [Distinct(2, 2, 2, 5, 4)]);
    [Fact] public void LpPool2d() => GradCheck.Check(xs => F.LpPool2d(xs[0], 3f, 2, ceilMode: true), [Pos(1, 2, 2, 5, 5)]);
    [Fact] public void GlobalAvgPool2d() => GradCheck.Check(xs => F.GlobalAvgPool2d(xs[0]), [R(1, 2, 3, 4, 5)]);
    [Fact] public void GlobalMaxPool2d() => GradCheck.Check(xs => F.GlobalMaxPool2d(xs[0]), [Distinct(1, 2, 3, 4, 5)]);

    [Fact]
    public void RoiPool()
    {
        var rois = Tensor.FromArray([0, 1.2f, 2.6f, 10.4f, 13.9f, 1, 0, 0, 15, 15, 0, 6.3f, 3.1f, 9.7f, 8.2f], 3, 5);
        GradCheck.Check(xs => F.RoiPool(xs[0], rois, (2, 2), 0.5f), [Distinct(1, 2, 2, 8, 8)]);
    }

    [Fact]
    public void RoiAlign()
    {
        var rois = Tensor.FromArray([0, 1.3f, 2.7f, 10.5f, 13.1f, 1, -2.4f, 0.6f, 15.2f, 14.9f], 2, 5);
        GradCheck.Check(xs => F.RoiAlign(xs[0], rois, (2, 3), 0.5f, -1, true), [R(1, 2, 2, 8, 8)]);
    }

    // ---- resampling, padding, reshaping ----
    [Fact] public void InterpolateNearest() => GradCheck.Check(xs => F.Interpolate(xs[0], size: [5, 7]), [R(1, 2, 2, 3, 4)]);
    [Fact] public void InterpolateBilinear() => GradCheck.Check(xs => F.Interpolate(xs[0], scaleFactor: [1.5, 2], mode: "bilinear", alignCorners: false), [R(1, 2, 2, 4, 3)]);
    [Fact] public void InterpolateBilinearAligned() => GradCheck.Check(xs => F.Interpolate(xs[0], size: [3, 7], mode: "bilinear", alignCorners: true), [R(1, 2, 2, 4, 3)]);
    [Fact] public void InterpolateTrilinear() => GradCheck.Check(xs => F.Interpolate(xs[0], size: [3, 4, 2], mode: "trilinear"), [R(1, 1, 2, 2, 3, 3)]);

    [Theory]
    [InlineData(PadMode.Constant)] [InlineData(PadMode.Reflect)] [InlineData(PadMode.Replicate)] [InlineData(PadMode.Circular)]
    public void Pad(PadMode mode) => GradCheck.Check(xs => F.Pad(xs[0], [2, 1, 1, 3], mode, 0.5f), [R(1, 2, 2, 4, 3)]);

    [Fact] public void PadNegativeCrops() => GradCheck.Check(xs => F.Pad(xs[0], [-1, 2, 1, -2]), [R(1, 2, 2, 5, 4)]);
    [Fact] public void Unfold() => GradCheck.Check(xs => F.Unfold(xs[0], (2, 3), (2, 1), (1, 1), (1, 2)), [R(1, 2, 2, 5, 6)]);
    [Fact] public void Fold() => GradCheck.Check(xs => F.Fold(xs[0], (5, 5), 3, 1, 1, 2), [R(1, 2, 18, 9)]);
    [Fact] public void PixelShuffle() => GradCheck.Check(xs => F.PixelShuffle(xs[0], 2), [R(1, 2, 8, 2, 3)]);
    [Fact] public void PixelUnshuffle() => GradCheck.Check(xs => F.PixelUnshuffle(xs[0], 2), [R(1, 2, 2, 4, 6)]);
    [Fact] public void ChannelShuffle() => GradCheck.Check(xs => F.ChannelShuffle(xs[0], 3), [R(1, 2, 6, 2, 3)]);
}
