import torch, torch.nn as nn
from conformance import build, case, randn
from ops_conv import (conv, convt, mp, ap, adp, reg, roi, deform, distinct, positive, lp_cfg, up_cfg, sep_cfg,
                      flat_cfg, tiled_cfg, lc_cfg, deform_cfg, unfold_cfg, fold_cfg, fold, maxpool_cfg, avgpool_cfg,
                      ROI_NOTE)

# ---------- Conv: padding modes, depthwise paths, odd geometries ----------
conv("xconv1d/circular", 1, (2, 3, 7), 3, 2, 3, padding=2, padding_mode="circular")
conv("xconv1d/replicate_stride2", 1, (2, 2, 8), 2, 3, 4, stride=2, padding=3, padding_mode="replicate")
conv("xconv1d/depthwise_m3_stride2", 1, (2, 2, 9), 2, 6, 3, stride=2, padding=1, groups=2)
conv("xconv1d/kernel_equals_input", 1, (3, 2, 5), 2, 4, 5)
conv("xconv1d/same_dilated_reflect", 1, (2, 2, 9), 2, 3, 3, padding="same", dilation=3, padding_mode="reflect")
conv("xconv2d/replicate_rect", 2, (2, 2, 5, 6), 2, 3, [3, 2], padding=[2, 1], padding_mode="replicate")
conv("xconv2d/circular_stride2", 2, (2, 3, 6, 5), 3, 2, 3, stride=2, padding=[1, 2], padding_mode="circular")
conv("xconv2d/same_even_reflect", 2, (2, 2, 6, 7), 2, 2, [4, 2], padding="same", padding_mode="reflect")
conv("xconv2d/depthwise_stride2_dilated", 2, (2, 4, 9, 8), 4, 4, 3, stride=2, padding=2, dilation=2, groups=4)
conv("xconv2d/depthwise_rect_nobias", 2, (3, 3, 7, 6), 3, 3, [3, 1], stride=[1, 2], padding=[1, 0], groups=3, bias=False)
conv("xconv2d/groups3_2x2", 2, (2, 6, 5, 5), 6, 6, 3, padding=1, groups=3)
conv("xconv2d/1x1_stride2", 2, (2, 3, 7, 6), 3, 4, 1, stride=2)
conv("xconv2d/1x1_padded", 2, (2, 2, 3, 4), 2, 3, 1, padding=1)
conv("xconv2d/big_stride", 2, (2, 2, 9, 10), 2, 3, [2, 3], stride=[4, 3], padding=[1, 0])
conv("xconv2d/unbatched", 2, (3, 6, 5), 3, 4, 3, padding=1)
# Winograd F(2x2, 3x3) paths (3x3 stride 1, 16+ channels, 64+ tiles): padding 0, 1, 2, odd sizes, no bias
conv("xconv2d/winograd_pad1_odd", 2, (2, 16, 17, 18), 16, 17, 3, padding=1)
conv("xconv2d/winograd_pad0", 2, (2, 16, 18, 20), 16, 16, 3)
conv("xconv2d/winograd_pad2_nobias", 2, (1, 17, 16, 16), 17, 16, 3, padding=2, bias=False)
conv("xconv3d/depthwise_dilated", 3, (2, 3, 5, 6, 5), 3, 6, 2, padding=1, dilation=[1, 2, 1], groups=3)
conv("xconv3d/reflect_stride2", 3, (2, 2, 4, 5, 6), 2, 2, 3, stride=2, padding=1, padding_mode="reflect")
conv("xconv3d/same_rect", 3, (2, 2, 4, 5, 3), 2, 3, [2, 3, 1], padding="same")

# ---------- ConvTranspose: depthwise and pointwise paths ----------
convt("xconvtranspose1d/depthwise", 1, (2, 3, 6), 3, 3, 3, stride=2, padding=1, groups=3)
convt("xconvtranspose1d/pointwise", 1, (2, 3, 5), 3, 4, 1)
convt("xconvtranspose1d/1x1_stride2_bias_only", 1, (2, 2, 4), 2, 3, 1, stride=2, output_padding=1)
convt("xconvtranspose2d/depthwise_k4s2p1", 2, (2, 3, 4, 5), 3, 3, 4, stride=2, padding=1, groups=3)
convt("xconvtranspose2d/groups2_cin4_cout2", 2, (2, 4, 3, 4), 4, 2, 3, stride=2, groups=2)
convt("xconvtranspose2d/outpad_gt_pad", 2, (2, 2, 3, 3), 2, 3, 3, stride=3, padding=0, output_padding=2)
convt("xconvtranspose2d/dilation_gt_stride_outpad", 2, (2, 2, 4, 3), 2, 2, 2, stride=1, padding=1, output_padding=[1, 2],
      dilation=[2, 3])
convt("xconvtranspose2d/unbatched", 2, (3, 4, 4), 3, 2, 3, stride=2, padding=1)
convt("xconvtranspose3d/dilated_grouped", 3, (2, 4, 3, 3, 2), 4, 2, [2, 2, 3], stride=[1, 2, 1], padding=[0, 1, 1],
      dilation=[2, 1, 1], groups=2, bias=False)

# ---------- composite convolutions ----------
reg("xdepthwiseseparableconv2d/rect_m3", "DepthwiseSeparableConv2d",
    sep_cfg(2, 3, [3, 2], stride=[2, 1], padding=[1, 0], depth_multiplier=3), [(2, 2, 7, 6)])
reg("xflattenedconv2d/k5_pad2", "FlattenedConv2d", flat_cfg(2, 3, 5, 2), [(2, 2, 6, 7)])
reg("xflattenedconv2d/k1", "FlattenedConv2d", flat_cfg(3, 2, 1, 0), [(2, 3, 4, 3)])
reg("xtiledconv2d/tiles_exceed_output", "TiledConv2d", tiled_cfg(2, 2, 3, stride=2, tiles=[3, 4]), [(2, 2, 7, 7)])
reg("xtiledconv2d/tiles3x2_rect", "TiledConv2d", tiled_cfg(3, 2, [2, 3], padding=[1, 0], tiles=[3, 2]), [(2, 3, 6, 7)])
reg("xlocallyconnected2d/pad2_1x1", "LocallyConnected2d", lc_cfg(2, 3, [4, 3], 1, padding=2), [(2, 2, 4, 3)])
reg("xlocallyconnected2d/stride_rect", "LocallyConnected2d", lc_cfg(2, 2, [7, 6], [3, 2], stride=[2, 1], padding=[0, 1]),
    [(3, 2, 7, 6)])
deform("xdeformableconv2d/stride2_dilation2", (2, 2, 8, 7), deform_cfg(2, 3, 3, stride=2, padding=2, dilation=2))
deform("xdeformableconv2d/rect_stride_cols", (2, 3, 6, 8), deform_cfg(3, 2, [3, 2], stride=[1, 2], padding=[1, 1], bias=False))
deform("xdeformableconv2d/wide_offsets", (2, 2, 5, 6), deform_cfg(2, 2, 3, padding=1), offset_scale=0.5)

# ---------- pooling ----------
mp("xmaxpool1d/ceil_pad_dilation", 1, (2, 2, 10), k=3, stride=2, padding=1, dilation=2, ceil_mode=True)
mp("xmaxpool2d/rect_stride", 2, (2, 2, 7, 9), k=[2, 3], stride=[3, 2], padding=[1, 0])
mp("xmaxpool3d/dilated", 3, (2, 2, 5, 5, 6), k=2, stride=1, dilation=[2, 1, 2])
reg("xmaxpool2d/all_negative_padded", "MaxPool2d", maxpool_cfg(2, 3, stride=2, padding=1),
    [lambda: -distinct(2, 2, 5, 6).abs() - 0.1], note="all inputs negative: padding must act as -inf, not 0.")
reg("xmaxpool2d/return_indices", "MaxPool2d", dict(maxpool_cfg(2, 2, stride=2, padding=1), return_indices=True),
    [lambda: distinct(2, 2, 5, 5)], note="second output: int64 argmax index within each input plane.")
ap("xavgpool1d/ceil_include_pad", 1, (2, 2, 8), k=3, stride=2, padding=1, ceil_mode=True)
ap("xavgpool2d/rect_exclude_ceil", 2, (2, 2, 7, 8), k=[3, 2], stride=[2, 3], padding=[1, 1], ceil_mode=True,
   count_include_pad=False)
ap("xavgpool3d/ceil_include_pad", 3, (2, 2, 5, 6, 5), k=[3, 2, 3], stride=2, padding=1, ceil_mode=True)
reg("xavgpool2d/divisor_override", "AvgPool2d", dict(avgpool_cfg(2, 3, stride=2, padding=1), divisor_override=4),
    [(2, 2, 6, 7)])
adp("xadaptiveavgpool1d/upsample_3to7", "AdaptiveAvgPool1d", (2, 2, 3), [7])
adp("xadaptiveavgpool2d/up_and_down", "AdaptiveAvgPool2d", (2, 2, 3, 9), [5, 4])
adp("xadaptivemaxpool1d/upsample_4to6", "AdaptiveMaxPool1d", (2, 2, 4), [6])
adp("xadaptivemaxpool2d/to1x1", "AdaptiveMaxPool2d", (2, 3, 5, 4), [1, 1])
reg("xlppool2d/ceil_rect_p1.5", "LPPool2d", lp_cfg(1.5, [2, 3], stride=[2, 2], ceil_mode=True), [positive(2, 2, 5, 6)],
    note="partial ceil-mode windows are rescaled by kh*kw / n.")
reg("xlppool2d/p2_overlap", "LPPool2d", lp_cfg(2.0, 3, stride=1), [(2, 2, 5, 5)])
reg("xglobalavgpool2d/batch1_rect", "GlobalAvgPool2d", {}, [(1, 5, 3, 7)])
reg("xglobalmaxpool2d/batch3_rect", "GlobalMaxPool2d", {}, [lambda: distinct(3, 2, 2, 5)])


def extra(name, op, cfg, module, inputs, **kw):
    @case(name)
    def _():
        return build(op, cfg, module(), [f() if callable(f) else randn(*f) for f in inputs], **kw)


extra("xadaptiveavgpool3d/basic", "AdaptiveAvgPool3d", {"output_size": [2, 3, 2]}, lambda: nn.AdaptiveAvgPool3d((2, 3, 2)),
      [(2, 2, 3, 5, 4)])
extra("xadaptivemaxpool3d/basic", "AdaptiveMaxPool3d", {"output_size": [2, 2, 3]}, lambda: nn.AdaptiveMaxPool3d((2, 2, 3)),
      [lambda: distinct(2, 2, 4, 3, 5)])
extra("xlppool1d/p2_stride", "LPPool1d", {"norm_type": 2.0, "kernel_size": [3], "stride": [2], "ceil_mode": False},
      lambda: nn.LPPool1d(2.0, 3, 2), [(2, 3, 9)])

# ---------- RoI ----------
roi("xroipool/outside_and_malformed", "RoIPool", {"output_size": [3, 3], "spatial_scale": 0.5}, (2, 2, 6, 7),
    [[0, -5.2, -3.1, 3.3, 19.7], [1, 9.2, 7.1, 3.3, 2.2], [0, 14.3, 12.1, 25.2, 30.3], [1, 2.2, 2.1, 2.2, 2.1]],
    note=ROI_NOTE + " rois outside the map, reversed corners (1x1) and empty bins (0).")
roi("xroipool/1x4_scale0.25", "RoIPool", {"output_size": [1, 4], "spatial_scale": 0.25}, (2, 3, 5, 8),
    [[1, 0.0, 0.0, 31.0, 19.0], [0, 6.2, 3.9, 22.3, 14.1]], note=ROI_NOTE)
roi("xroialign/ratio1_unaligned", "RoIAlign",
    {"output_size": [2, 3], "spatial_scale": 0.5, "sampling_ratio": 1, "aligned": False}, (2, 2, 7, 8),
    [[1, 1.3, 2.7, 12.5, 11.1], [0, 0.4, 0.6, 3.1, 2.3]], note=ROI_NOTE)
roi("xroialign/adaptive_unaligned_small", "RoIAlign",
    {"output_size": [2, 2], "spatial_scale": 1.0, "sampling_ratio": -1, "aligned": False}, (2, 2, 6, 6),
    [[0, 1.2, 1.3, 4.9, 3.5], [1, 2.4, 2.2, 2.5, 2.3]], note=ROI_NOTE + " a tiny roi is widened to 1x1 (not aligned).")
roi("xroialign/aligned_ratio2_outside", "RoIAlign",
    {"output_size": [3, 2], "spatial_scale": 0.5, "sampling_ratio": 2, "aligned": True}, (2, 3, 6, 6),
    [[1, -4.3, -2.1, 6.1, 8.3], [0, 6.3, 5.1, 15.7, 14.9]], note=ROI_NOTE)

# ---------- Upsample ----------
reg("xupsample/nearest_1d_scale3", "Upsample", up_cfg("nearest", scale_factor=[3]), [(2, 2, 4)])
reg("xupsample/nearest_3d_size", "Upsample", up_cfg("nearest", size=[3, 5, 7]), [(1, 2, 2, 3, 4)])
reg("xupsample/nearest_rect_scale", "Upsample", up_cfg("nearest", scale_factor=[2, 3]), [(2, 2, 3, 2)])
reg("xupsample/nearest_down_size", "Upsample", up_cfg("nearest", size=[3, 2]), [(2, 2, 7, 5)])
reg("xupsample/bilinear_size_unaligned", "Upsample", up_cfg("bilinear", size=[7, 3], align_corners=False), [(2, 2, 4, 5)])
reg("xupsample/bilinear_scale_aligned", "Upsample", up_cfg("bilinear", scale_factor=[2, 3], align_corners=True),
    [(2, 2, 3, 4)], note="align_corners: scale_factor only sets the size.")
reg("xupsample/bilinear_down_size", "Upsample", up_cfg("bilinear", size=[3, 2], align_corners=False), [(2, 2, 6, 5)])
reg("xupsample/bilinear_size1_aligned", "Upsample", up_cfg("bilinear", size=[1, 4], align_corners=True), [(2, 2, 3, 5)])
reg("xupsample/linear_1d", "Upsample", up_cfg("linear", scale_factor=[2.5], align_corners=False), [(2, 2, 4)])
reg("xupsample/trilinear_aligned", "Upsample", up_cfg("trilinear", size=[3, 4, 5], align_corners=True), [(1, 2, 2, 3, 3)])

# ---------- padding ----------
reg("xreflectionpad2d/max", "ReflectionPad2d", {"padding": [3, 3, 2, 2]}, [(2, 2, 3, 4)])
reg("xreplicationpad2d/exceeds_input", "ReplicationPad2d", {"padding": [4, 5, 3, 0]}, [(2, 2, 2, 3)])
reg("xzeropad2d/negative_crop", "ZeroPad2d", {"padding": [-1, 2, 1, -2]}, [(2, 2, 5, 4)])
reg("xconstantpad2d/negative_crop", "ConstantPad2d", {"padding": [1, -2, -1, 0], "value": 2.5}, [(2, 2, 4, 5)])
extra("xreflectionpad1d/basic", "ReflectionPad1d", {"padding": [2, 3]}, lambda: nn.ReflectionPad1d((2, 3)), [(2, 2, 5)])
extra("xreplicationpad3d/basic", "ReplicationPad3d", {"padding": [1, 0, 2, 1, 0, 2]},
      lambda: nn.ReplicationPad3d((1, 0, 2, 1, 0, 2)), [(2, 2, 2, 3, 3)])
extra("xconstantpad1d/basic", "ConstantPad1d", {"padding": [2, 1], "value": -1.5}, lambda: nn.ConstantPad1d((2, 1), -1.5), [(2, 3, 4)])
extra("xreflectionpad3d/basic", "ReflectionPad3d", {"padding": [1, 2, 1, 0, 2, 1]},
      lambda: nn.ReflectionPad3d((1, 2, 1, 0, 2, 1)), [(1, 2, 3, 3, 4)])

# ---------- reshaping ----------
reg("xflatten/all", "Flatten", {"start_dim": 0, "end_dim": -1}, [(2, 3, 4)])
reg("xflatten/negative_dims", "Flatten", {"start_dim": -3, "end_dim": -2}, [(2, 3, 4, 5)])
reg("xunflatten/negative_dim", "Unflatten", {"dim": -1, "unflattened_size": [3, 2, 2]}, [(2, 3, 12)])
reg("xpixelshuffle/5d", "PixelShuffle", {"upscale_factor": 2}, [(2, 2, 8, 2, 3)])
reg("xchannelshuffle/g4_3d", "ChannelShuffle", {"groups": 4}, [(2, 8, 5)])
reg("xchannelshuffle/g2_5d", "ChannelShuffle", {"groups": 2}, [(2, 4, 2, 3, 2)])
extra("xpixelunshuffle/r2", "PixelUnshuffle", {"downscale_factor": 2}, lambda: nn.PixelUnshuffle(2), [(2, 2, 4, 6)])
reg("xunfold/dilated_stride", "Unfold", unfold_cfg([2, 3], dilation=[2, 1], padding=[1, 2], stride=[2, 3]), [(2, 3, 6, 7)])
reg("xunfold/1x1", "Unfold", unfold_cfg(1), [(2, 3, 3, 4)])
fold("xfold/dilated_stride", 2, 2, fold_cfg([6, 7], [2, 3], dilation=[2, 1], padding=[1, 1], stride=[1, 2]))
fold("xfold/no_overlap", 3, 1, fold_cfg([4, 6], 2, stride=2))
