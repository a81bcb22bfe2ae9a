"""Extra blocks-family cases (prefix x): configs the public cases miss. Generated with the catalog's PyTorch
reference modules (ops_blocks.py); run
    python3 <shared>/conformance/gen/generate.py OUT --only x --extra extra_blocks.py
"""
import torch
import torch.nn as nn
from conformance import build, case, randn
from ops_blocks import (bn_case, bn_cfg, inorm_case, in_cfg, ln_case, gn_case, lrn_case, dropout_case, init_norms,
                        resnet_case, resnet_cfg, preact_case, preact_cfg, inception_case, naive_inception_case,
                        shufflenet_case, sh1_cfg, shufflev2_case, mobilenet_case, mobilev2_case, mv2_cfg, se_case,
                        tcn_case, bwconv_case, xnor_case, blinear_case, conv_cfg)

# ---------- batch norm: momentum (incl. null = cumulative average), eps, modes, batch size 1 ----------
@case("xbatchnorm1d/momentum_null_nbt0")
def _(): return bn_case("BatchNorm1d", bn_cfg(3, momentum=None), (5, 3), "train", nbt=0)
@case("xbatchnorm2d/momentum_null_nbt2")
def _(): return bn_case("BatchNorm2d", bn_cfg(2, momentum=None), (3, 2, 3, 4), "train", nbt=2)
@case("xbatchnorm3d/momentum_null_nbt3")
def _(): return bn_case("BatchNorm3d", bn_cfg(2, momentum=None), (2, 2, 2, 3, 3), "train", nbt=3)
@case("xbatchnorm2d/momentum_null_eval")
def _(): return bn_case("BatchNorm2d", bn_cfg(3, momentum=None), (2, 3, 3, 3), "eval", nbt=4)
@case("xbatchnorm2d/momentum0.3_eps1e-3")
def _(): return bn_case("BatchNorm2d", bn_cfg(4, eps=1e-3, momentum=0.3), (3, 4, 4, 3), "train")
@case("xbatchnorm2d/momentum0_eps_big")
def _(): return bn_case("BatchNorm2d", bn_cfg(2, eps=0.5, momentum=0.0), (2, 2, 3, 3), "train", scale=0.5)
@case("xbatchnorm2d/momentum1")
def _(): return bn_case("BatchNorm2d", bn_cfg(3, momentum=1.0), (2, 3, 2, 5), "train")
@case("xbatchnorm2d/batch1_spatial")
def _(): return bn_case("BatchNorm2d", bn_cfg(3), (1, 3, 4, 4), "train")
@case("xbatchnorm1d/batch1_length")
def _(): return bn_case("BatchNorm1d", bn_cfg(2), (1, 2, 6), "train")
@case("xbatchnorm2d/eval_no_running_stats")
def _(): return bn_case("BatchNorm2d", bn_cfg(3, track=False), (3, 3, 3, 4), "eval")
@case("xbatchnorm1d/eval_no_running_stats_2d")
def _(): return bn_case("BatchNorm1d", bn_cfg(4, track=False, affine=False), (6, 4), "eval")
@case("xbatchnorm3d/eval_noaffine")
def _(): return bn_case("BatchNorm3d", bn_cfg(3, affine=False), (2, 3, 2, 3, 2), "eval")
@case("xbatchnorm1d/eval_2d")
def _(): return bn_case("BatchNorm1d", bn_cfg(5), (4, 5), "eval")
@case("xbatchnorm2d/train_shifted_mean")
def _(): return bn_case("BatchNorm2d", bn_cfg(3), (4, 3, 5, 5), "train", scale=0.1, shift=20.0)
@case("xbatchnorm2d/train_noaffine_notrack")
def _(): return bn_case("BatchNorm2d", bn_cfg(2, affine=False, track=False), (2, 2, 5, 3), "train")
@case("xbatchnorm2d/train_big_spatial")
def _(): return bn_case("BatchNorm2d", bn_cfg(3), (2, 3, 9, 11), "train")

# ---------- layer norm ----------
@case("xlayernorm/no_leading_dims")
def _(): return ln_case({"normalized_shape": [3, 4], "eps": 1e-5, "elementwise_affine": True}, (3, 4))
@case("xlayernorm/three_dims_affine")
def _(): return ln_case({"normalized_shape": [2, 3, 4], "eps": 1e-5, "elementwise_affine": True}, (2, 2, 3, 4))
@case("xlayernorm/three_dims_noaffine")
def _(): return ln_case({"normalized_shape": [3, 2, 5], "eps": 1e-3, "elementwise_affine": False}, (2, 3, 2, 5))
@case("xlayernorm/4d_last_dim_long")
def _(): return ln_case({"normalized_shape": [37], "eps": 1e-5, "elementwise_affine": True}, (2, 2, 3, 37), scale=3.0)
@case("xlayernorm/1d_input")
def _(): return ln_case({"normalized_shape": [7], "eps": 1e-5, "elementwise_affine": True}, (7,))

# ---------- instance norm (incl. unbatched) ----------
@case("xinstancenorm1d/unbatched_affine")
def _(): return inorm_case("InstanceNorm1d", in_cfg(3, True), (3, 6))
@case("xinstancenorm1d/unbatched_noaffine")
def _(): return inorm_case("InstanceNorm1d", in_cfg(4, False), (4, 5))
@case("xinstancenorm2d/unbatched_affine")
def _(): return inorm_case("InstanceNorm2d", in_cfg(2, True), (2, 4, 3))
@case("xinstancenorm2d/eps_eval")
def _(): return inorm_case("InstanceNorm2d", in_cfg(3, True, eps=0.1), (2, 3, 3, 3), mode="eval")
@case("xinstancenorm1d/eval_eps")
def _(): return inorm_case("InstanceNorm1d", in_cfg(2, False, eps=1e-3), (3, 2, 9), mode="eval")

# ---------- group norm ----------
@case("xgroupnorm/g3_c6_4d")
def _(): return gn_case({"num_groups": 3, "num_channels": 6, "eps": 1e-5, "affine": True}, (2, 6, 3, 4))
@case("xgroupnorm/2d_input")
def _(): return gn_case({"num_groups": 2, "num_channels": 6, "eps": 1e-5, "affine": True}, (4, 6))
@case("xgroupnorm/5d_noaffine")
def _(): return gn_case({"num_groups": 2, "num_channels": 4, "eps": 1e-5, "affine": False}, (2, 4, 2, 3, 2))
@case("xgroupnorm/g1_affine_eps")
def _(): return gn_case({"num_groups": 1, "num_channels": 5, "eps": 0.01, "affine": True}, (3, 5, 4))
@case("xgroupnorm/g_eq_c_4d")
def _(): return gn_case({"num_groups": 3, "num_channels": 3, "eps": 1e-5, "affine": True}, (2, 3, 3, 3))

# ---------- local response norm ----------
@case("xlrn/size1")
def _(): return lrn_case({"size": 1, "alpha": 0.5, "beta": 0.75, "k": 1.0}, (2, 3, 4))
@case("xlrn/size2_even")
def _(): return lrn_case({"size": 2, "alpha": 0.8, "beta": 0.6, "k": 1.5}, (2, 5, 3, 3))
@case("xlrn/size_gt_channels")
def _(): return lrn_case({"size": 7, "alpha": 1.0, "beta": 0.75, "k": 1.0}, (2, 3, 4, 2))
@case("xlrn/5d_input")
def _(): return lrn_case({"size": 3, "alpha": 0.3, "beta": 0.9, "k": 2.0}, (2, 4, 2, 3, 2))
@case("xlrn/defaults_4d")
def _(): return lrn_case({"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 1.0}, (2, 7, 3, 3), scale=30.0)

# ---------- dropout (eval) ----------
@case("xdropout/p0_4d")
def _(): return dropout_case("Dropout", 0.0, (2, 3, 2, 2))
@case("xdropout/p1")
def _(): return dropout_case("Dropout", 1.0, (4, 3))
@case("xdropout2d/p0.9_3d")
def _(): return dropout_case("Dropout2d", 0.9, (2, 3, 5, 2))
@case("xalphadropout/p0.5_4d")
def _(): return dropout_case("AlphaDropout", 0.5, (2, 2, 3, 3))

# ---------- ResNet blocks ----------
@case("xbasicblock/train_downsample_stride1")
def _(): return resnet_case("BasicBlock", resnet_cfg(3, 5, downsample=True), (2, 3, 5, 4), "train")
@case("xbasicblock/train_stride2_odd")
def _(): return resnet_case("BasicBlock", resnet_cfg(4, 4, stride=2, downsample=True), (3, 4, 7, 5), "train")
@case("xbasicblock/eval_downsample_stride1")
def _(): return resnet_case("BasicBlock", resnet_cfg(2, 4, downsample=True), (2, 2, 4, 5), "eval")
@case("xbottleneck/train_stride2_dilation2")
def _(): return resnet_case("Bottleneck", resnet_cfg(4, 2, stride=2, downsample=True, dilation=2), (2, 4, 7, 7), "train")
@case("xbottleneck/eval_downsample_stride2")
def _(): return resnet_case("Bottleneck", resnet_cfg(3, 2, stride=2, downsample=True), (2, 3, 5, 6), "eval")
@case("xbottleneck/train_wide_base128")
def _(): return resnet_case("Bottleneck", resnet_cfg(8, 2, base_width=128), (2, 8, 4, 4), "train")
@case("xresnext/train_width_truncation")
def _():
    # width = int(3 * 40/64) * 2 = int(1.875) * 2 = 2
    return resnet_case("ResNeXtBlock", resnet_cfg(12, 3, groups=2, base_width=40), (2, 12, 4, 4), "train")
@case("xresnext/train_stride2_dilation2")
def _():
    # width = int(2 * 32/64) * 4 = 4
    return resnet_case("ResNeXtBlock", resnet_cfg(4, 2, stride=2, downsample=True, groups=4, base_width=32, dilation=2), (2, 4, 6, 5), "train")
@case("xresnext/eval_identity")
def _(): return resnet_case("ResNeXtBlock", resnet_cfg(8, 2, groups=2, base_width=64), (2, 8, 3, 4), "eval")

# ---------- pre-activation ----------
@case("xpreact/train_stride2_same_channels")
def _(): return preact_case(preact_cfg(3, 3, 2), (2, 3, 5, 6), "train")
@case("xpreact/eval_identity")
def _(): return preact_case(preact_cfg(4, 4), (2, 4, 4, 4), "eval")
@case("xpreact/train_shortcut_stride1")
def _(): return preact_case(preact_cfg(2, 5), (3, 2, 4, 3), "train")

# ---------- Inception ----------
@case("xinception/train_rect")
def _(): return inception_case((3, 1, 2, 2, 1, 3, 2), (2, 3, 5, 7), "train")
@case("xinception/eval_odd")
def _(): return inception_case((2, 3, 2, 1, 3, 2, 3), (3, 2, 3, 4), "eval")
@case("xnaive_inception/one_channel")
def _(): return naive_inception_case({"in_channels": 1, "ch1x1": 2, "ch3x3": 1, "ch5x5": 2}, (2, 1, 6, 5))
@case("xnaive_inception/small_image")
def _(): return naive_inception_case({"in_channels": 3, "ch1x1": 2, "ch3x3": 2, "ch5x5": 1}, (2, 3, 3, 2))

# ---------- ShuffleNet ----------
@case("xshufflenet_v1/train_stride2_g2")
def _(): return shufflenet_case(sh1_cfg(4, 16, 2, 2), (2, 4, 5, 5), "train")
@case("xshufflenet_v1/eval_stride2_g1_rect")
def _(): return shufflenet_case(sh1_cfg(4, 12, 1, 2), (2, 4, 6, 5), "eval")
@case("xshufflenet_v1/train_stride1_g1")
def _(): return shufflenet_case(sh1_cfg(8, 8, 1, 1), (2, 8, 3, 4), "train")
@case("xshufflenet_v2/train_stride3")
def _(): return shufflev2_case({"inp": 3, "oup": 6, "stride": 3}, (2, 3, 7, 7), "train")
@case("xshufflenet_v2/eval_stride1")
def _(): return shufflev2_case({"inp": 8, "oup": 8, "stride": 1}, (2, 8, 4, 3), "eval")
@case("xshufflenet_v2/train_stride2_odd_oup")
def _(): return shufflev2_case({"inp": 3, "oup": 9, "stride": 2}, (2, 3, 5, 6), "train")

# ---------- MobileNet ----------
@case("xmobilenet_v1/train_rect")
def _(): return mobilenet_case({"in_channels": 3, "out_channels": 2, "stride": 2}, (2, 3, 5, 8), "train")
@case("xmobilenet_v1/eval_stride1")
def _(): return mobilenet_case({"in_channels": 2, "out_channels": 3, "stride": 1}, (3, 2, 4, 4), "eval")
@case("xmobilenet_v2/train_expand1_residual")
def _(): return mobilev2_case(mv2_cfg(4, 4, 1, 1), (2, 4, 4, 4), "train", bn_gain=4.0)
@case("xmobilenet_v2/eval_expand6_residual_clip")
def _(): return mobilev2_case(mv2_cfg(3, 3, 1, 6), (2, 3, 4, 4), "eval", scale=2.0, bn_gain=5.0)
@case("xmobilenet_v2/train_expand3_stride2")
def _(): return mobilev2_case(mv2_cfg(2, 4, 2, 3), (2, 2, 5, 5), "train")
@case("xmobilenet_v2/train_expand2_no_residual_stride1")
def _(): return mobilev2_case(mv2_cfg(3, 5, 1, 2), (2, 3, 4, 3), "train")

# ---------- squeeze-excitation ----------
@case("xse/wide_squeeze")
def _(): return se_case({"input_channels": 3, "squeeze_channels": 5}, (2, 3, 2, 3))
@case("xse/one_pixel")
def _(): return se_case({"input_channels": 4, "squeeze_channels": 2}, (3, 4, 1, 1))

# ---------- TCN ----------
@case("xtcn/kernel1")
def _(): return tcn_case({"n_inputs": 2, "n_outputs": 3, "kernel_size": 1, "dilation": 1}, (2, 2, 5))
@case("xtcn/pad_longer_than_input")
def _(): return tcn_case({"n_inputs": 3, "n_outputs": 2, "kernel_size": 3, "dilation": 4}, (2, 3, 5))
@case("xtcn/same_channels_dilated")
def _(): return tcn_case({"n_inputs": 4, "n_outputs": 4, "kernel_size": 3, "dilation": 2}, (2, 4, 9))

# ---------- binary ----------
@case("xbinary/bwconv_groups2_dilated")
def _(): return bwconv_case(conv_cfg(4, 6, 3, padding=2, dilation=2, groups=2), (2, 4, 6, 6))
@case("xbinary/bwconv_rect")
def _(): return bwconv_case(conv_cfg(3, 2, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=1), (2, 3, 7, 6))
@case("xbinary/bwconv_1x1")
def _(): return bwconv_case(conv_cfg(5, 3, 1, groups=1), (2, 5, 3, 3))
@case("xbinary/xnor_rect_dilated")
def _(): return xnor_case(conv_cfg(3, 4, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1)), (2, 3, 7, 6))
@case("xbinary/xnor_1x1")
def _(): return xnor_case(conv_cfg(3, 2, 1, bias=True), (2, 3, 4, 3))
@case("xbinary/xnor_pad2_nobias")
def _(): return xnor_case(conv_cfg(2, 3, 5, padding=2, bias=False), (2, 2, 5, 5))
@case("xbinary/linear_1d_input")
def _(): return blinear_case({"in_features": 4, "out_features": 3, "bias": True}, (4,))
@case("xbinary/linear_4d")
def _(): return blinear_case({"in_features": 7, "out_features": 5, "bias": True}, (2, 2, 3, 7))

# ---------- normalisation of inputs whose mean is large against their spread ----------
@case("xlayernorm/shifted_mean")
def _():
    m = init_norms(nn.LayerNorm([16]))
    return build("LayerNorm", {"normalized_shape": [16], "eps": 1e-5, "elementwise_affine": True}, m, [randn(3, 16, scale=0.1) + 30.0])
@case("xgroupnorm/shifted_mean")
def _():
    m = init_norms(nn.GroupNorm(2, 4))
    return build("GroupNorm", {"num_groups": 2, "num_channels": 4, "eps": 1e-5, "affine": True}, m, [randn(2, 4, 3, 3, scale=0.1) - 25.0])
@case("xinstancenorm2d/shifted_mean")
def _():
    m = init_norms(nn.InstanceNorm2d(3, affine=True))
    return build("InstanceNorm2d", in_cfg(3, True), m, [randn(2, 3, 4, 4, scale=0.1) + 40.0])

# ---------- instance norm with running statistics (PyTorch's track_running_stats=True) ----------
@case("xinstancenorm2d/track_train")
def _(): return inorm_case("InstanceNorm2d", {"num_features": 3, "eps": 1e-5, "momentum": 0.2, "affine": True, "track_running_stats": True}, (2, 3, 3, 4))
@case("xinstancenorm1d/track_eval")
def _(): return inorm_case("InstanceNorm1d", {"num_features": 2, "eps": 1e-5, "momentum": 0.1, "affine": False, "track_running_stats": True}, (3, 2, 5), mode="eval")
