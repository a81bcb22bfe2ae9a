"""Extra attention-family cases (prefix x): configs the public cases miss. Reference modules and case builders are
the catalog's (ops_attention.py); torch built-ins where PyTorch has the op."""
import torch, torch.nn as nn
from conformance import build, case, randint, randn
from ops_attention import (
    AdditiveAttention, ConcatAttention, ContentBasedAttention, DotProductAttention, GeneralAttention, HardAttention,
    LearnedPositionalEmbedding, SelfAttention, SinusoidalPositionalEncoding, adaptive_case, bool_mask, causal_bool,
    causal_float, decoder_case, encoder_case, encoder_config, hard_case, hsm_case, local_case, location_case, luong_case,
    mha_case, mha_config, ns_case, padding_mask, sdpa_case, assert_finite, randomize_)

# ---------- scaled dot-product attention: mask shapes and causal alignment ----------

@case("xsdpa/mask_1d_bool")
def _(): return sdpa_case(randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 2), torch.tensor([False, True, False, False, True]))

@case("xsdpa/float_mask_broadcast_batch")
def _(): return sdpa_case(randn(3, 4, 5), randn(3, 4, 5), randn(3, 4, 3), randn(1, 4, 4))

@case("xsdpa/float_mask_4d_full")
def _(): return sdpa_case(randn(2, 3, 2, 4), randn(2, 3, 5, 4), randn(2, 3, 5, 6), randn(2, 3, 2, 5), scale=0.3)

@case("xsdpa/bool_mask_4d_head_broadcast")
def _(): return sdpa_case(randn(2, 2, 3, 4), randn(2, 2, 6, 4), randn(2, 2, 6, 4), bool_mask((2, 1, 3, 6)))

@case("xsdpa/causal_more_queries")
def _(): return sdpa_case(randn(2, 6, 3), randn(2, 4, 3), randn(2, 4, 5), is_causal=True)

@case("xsdpa/causal_fewer_queries_bool")
def _(): return sdpa_case(randn(2, 3, 4), randn(2, 6, 4), randn(2, 6, 4), bool_mask((3, 6), keep_diag=True), is_causal=True)

@case("xsdpa/single_query_scale")
def _(): return sdpa_case(randn(4, 1, 8), randn(4, 7, 8), randn(4, 7, 2), scale=2.0)

@case("xsdpa/float_mask_neg_inf_entries")
def _():
    m = randn(4, 5)
    m[0, 1] = float("-inf"); m[2, 0] = float("-inf"); m[3, 4] = float("-inf")
    return sdpa_case(randn(2, 4, 3), randn(2, 5, 3), randn(2, 5, 3), m)

# ---------- Luong / Bahdanau ----------

@case("xdot_attention/more_queries_keys_padding")
def _(): return luong_case("DotProductAttention", {}, DotProductAttention(), randn(3, 6, 4), randn(3, 4, 4), None, padding_mask([4, 1, 3], 4))

@case("xgeneral_attention/keys_as_values_padding")
def _(): return luong_case("GeneralAttention", {"query_dim": 3, "key_dim": 5}, GeneralAttention(3, 5), randn(2, 4, 3), randn(2, 6, 5), None, padding_mask([6, 2], 6))

@case("xadditive_attention/bias_values_padding_multi")
def _():
    cfg = {"query_dim": 4, "key_dim": 3, "attn_dim": 6, "bias": True}
    return luong_case("AdditiveAttention", cfg, randomize_(AdditiveAttention(4, 3, 6, True), 0.5), randn(3, 4, 4), randn(3, 5, 3), randn(3, 5, 2), padding_mask([5, 2, 4], 5))

@case("xadditive_attention/large_scores")
def _():
    cfg = {"query_dim": 5, "key_dim": 5, "attn_dim": 3, "bias": False}
    m = AdditiveAttention(5, 5, 3, False)
    with torch.no_grad(): m.v.weight.mul_(8.0)
    return luong_case("AdditiveAttention", cfg, m, randn(2, 2, 5, scale=2.0), randn(2, 4, 5, scale=2.0))

@case("xconcat_attention/keys_as_values_multi_padding")
def _():
    cfg = {"query_dim": 3, "key_dim": 4, "attn_dim": 5}
    return luong_case("ConcatAttention", cfg, ConcatAttention(3, 4, 5), randn(2, 3, 3), randn(2, 6, 4), None, padding_mask([3, 6], 6))

def _rows_with_norms(x, norms):
    """Rescale the rows (last dim) of x to the given norms, cycling."""
    flat = x.reshape(-1, x.shape[-1])
    for i in range(flat.shape[0]):
        flat[i] = flat[i] / flat[i].norm() * norms[i % len(norms)]
    return flat.reshape(x.shape)

@case("xcontent_attention/eps_clamp")
def _():
    # eps = 1: rows of norm 0.4 use the constant eps (no gradient through their norm), rows of norm 1.7 their own norm.
    cfg = {"beta": 2.0, "eps": 1.0}
    q = _rows_with_norms(randn(2, 3, 4), [0.4, 1.7, 2.5])
    k = _rows_with_norms(randn(2, 5, 4), [1.7, 0.4, 0.6, 3.0, 1.3])
    return luong_case("ContentBasedAttention", cfg, ContentBasedAttention(2.0, 1.0), q, k, randn(2, 5, 3), padding_mask([5, 3], 5))

@case("xcontent_attention/keys_as_values")
def _(): return luong_case("ContentBasedAttention", {"beta": 0.5, "eps": 1e-8}, ContentBasedAttention(0.5, 1e-8), randn(3, 1, 6), randn(3, 4, 6))

@case("xlocation_attention/single_step_padding")
def _(): return location_case({"query_dim": 6, "max_length": 8}, randn(3, 1, 6), randn(3, 5, 2), padding_mask([5, 1, 3], 5))

@case("xlocation_attention/many_queries")
def _(): return location_case({"query_dim": 3, "max_length": 5}, randn(2, 6, 3), randn(2, 5, 4))

@case("xlocal_attention/monotonic_dot_values_more_queries")
def _():
    cfg = {"mode": "monotonic", "window": 2, "score": "dot", "query_dim": 3, "key_dim": 3, "attn_dim": None}
    return local_case(cfg, N=2, Lq=6, Lk=5, dv=4)

@case("xlocal_attention/monotonic_general_wide_window")
def _():
    cfg = {"mode": "monotonic", "window": 6, "score": "general", "query_dim": 4, "key_dim": 3, "attn_dim": None}
    return local_case(cfg, N=3, Lq=3, Lk=5)

@case("xlocal_attention/predictive_dot_values")
def _():
    cfg = {"mode": "predictive", "window": 1, "score": "dot", "query_dim": 3, "key_dim": 3, "attn_dim": 4}
    return local_case(cfg, N=3, Lq=4, Lk=7, dv=2)

@case("xlocal_attention/predictive_general_wide")
def _():
    cfg = {"mode": "predictive", "window": 3, "score": "general", "query_dim": 5, "key_dim": 4, "attn_dim": 2}
    return local_case(cfg, N=2, Lq=2, Lk=8, dv=3)

@case("xhard_attention/repeats_values")
def _(): return hard_case(2, 7, 3, 4, dv=5)

@case("xhard_attention/keys_as_values_many")
def _(): return hard_case(3, 5, 4, 3)

@case("xself_attention/single_position")
def _(): return build("SelfAttention", {}, SelfAttention(), [randn(2, 1, 3)])

@case("xself_attention/long")
def _(): return build("SelfAttention", {}, SelfAttention(), [randn(1, 9, 4, scale=0.7)])

# ---------- multi-head attention ----------

@case("xmha/unbatched_padding_3d_mask")
def _():
    cfg = mha_config(6, 3, batch_first=False, average=False)
    return mha_case(cfg, randn(4, 6), randn(5, 6), randn(5, 6), torch.tensor([False, False, True, False, True]),
                    bool_mask((3, 4, 5), keep_col=0))

@case("xmha/unbatched_batch_first_float_mask")
def _():
    cfg = mha_config(4, 2, batch_first=True, average=True)
    return mha_case(cfg, randn(3, 4), randn(3, 4), randn(3, 4), None, randn(3, 3))

@case("xmha/batch_first_bool_3d_and_padding")
def _():
    cfg = mha_config(8, 4, batch_first=True, average=False)
    return mha_case(cfg, randn(2, 3, 8), randn(2, 6, 8), randn(2, 6, 8), padding_mask([6, 4], 6), bool_mask((8, 3, 6), keep_col=0))

@case("xmha/seq_first_float_3d_and_padding")
def _():
    cfg = mha_config(6, 2, batch_first=False, average=True)
    return mha_case(cfg, randn(4, 3, 6), randn(5, 3, 6), randn(5, 3, 6), padding_mask([5, 2, 3], 5), randn(6, 4, 5))

@case("xmha/kdim_vdim_bias_per_head")
def _():
    cfg = mha_config(4, 2, bias=True, kdim=3, vdim=6, batch_first=False, average=False)
    return mha_case(cfg, randn(2, 3, 4), randn(5, 3, 3), randn(5, 3, 6), padding_mask([5, 5, 1], 5), None)

@case("xmha/one_head_causal_float")
def _():
    cfg = mha_config(5, 1, batch_first=True, average=True)
    return mha_case(cfg, randn(2, 4, 5), randn(2, 4, 5), randn(2, 4, 5), None, causal_float(4))

@case("xmha/nobias_seq_first")
def _():
    cfg = mha_config(8, 2, bias=False, batch_first=False, average=True)
    return mha_case(cfg, randn(3, 2, 8), randn(4, 2, 8), randn(4, 2, 8), None, bool_mask((3, 4)))

def _mha_extra(cfg, add_bias_kv, add_zero_attn, q, k, v, kpm=None, am=None):
    m = nn.MultiheadAttention(cfg["embed_dim"], cfg["num_heads"], bias=cfg["bias"], add_bias_kv=add_bias_kv,
                              add_zero_attn=add_zero_attn, kdim=cfg["kdim"], vdim=cfg["vdim"], batch_first=cfg["batch_first"])
    randomize_(m)
    cfg = dict(cfg, add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn)
    avg = cfg["average_attn_weights"]
    fwd = lambda mod, q_, k_, v_, kpm_, am_: mod(q_, k_, v_, key_padding_mask=kpm_, need_weights=True, attn_mask=am_, average_attn_weights=avg)
    return assert_finite(build("MultiheadAttention", cfg, m, [q, k, v, kpm, am], forward=fwd))

@case("xmha/add_bias_kv_padding_mask")
def _(): return _mha_extra(mha_config(6, 2, batch_first=True, average=False), True, False, randn(2, 3, 6), randn(2, 4, 6), randn(2, 4, 6),
                           padding_mask([4, 2], 4), bool_mask((3, 4)))

@case("xmha/add_zero_attn_float_mask")
def _(): return _mha_extra(mha_config(4, 2, batch_first=False, average=True), False, True, randn(3, 2, 4), randn(5, 2, 4), randn(5, 2, 4),
                           None, randn(3, 5))

@case("xmha/add_bias_kv_and_zero_attn_kdim")
def _(): return _mha_extra(mha_config(4, 1, kdim=3, vdim=5, batch_first=True, average=True), True, True, randn(2, 2, 4), randn(2, 3, 3),
                           randn(2, 3, 5), padding_mask([3, 1], 3), None)

# ---------- transformer layers ----------

@case("xtransformer_encoder_layer/post_norm_relu_float_mask_padding_seq_first")
def _():
    cfg = encoder_config(8, 4, 12, "relu", batch_first=False, norm_first=False)
    return encoder_case(cfg, lambda: [randn(5, 2, 8), causal_float(5), padding_mask([5, 3], 5)])

@case("xtransformer_encoder_layer/pre_norm_relu_bool_mask_batch_first")
def _():
    cfg = encoder_config(6, 3, 10, "relu", batch_first=True, norm_first=True)
    return encoder_case(cfg, lambda: [randn(3, 4, 6), bool_mask((4, 4), keep_diag=True), None])

@case("xtransformer_encoder_layer/post_norm_gelu_batch_first_eps")
def _():
    cfg = dict(encoder_config(4, 1, 8, "gelu", batch_first=True, norm_first=False), layer_norm_eps=1e-3)
    return encoder_case(cfg, lambda: [randn(2, 3, 4), None, padding_mask([3, 1], 3)])

@case("xtransformer_decoder_layer/pre_norm_relu_float_masks_batch_first")
def _():
    cfg = encoder_config(8, 2, 12, "relu", batch_first=True, norm_first=True)
    return decoder_case(cfg, lambda: [randn(2, 4, 8), randn(2, 3, 8), causal_float(4), randn(4, 3), padding_mask([4, 3], 4), None])

@case("xtransformer_decoder_layer/post_norm_gelu_all_masks_seq_first")
def _():
    cfg = encoder_config(6, 3, 8, "gelu", batch_first=False, norm_first=False)
    return decoder_case(cfg, lambda: [randn(3, 2, 6), randn(5, 2, 6), causal_bool(3), bool_mask((3, 5), keep_col=0),
                                      padding_mask([3, 2], 3), padding_mask([5, 2], 5)])

@case("xtransformer_decoder_layer/post_norm_relu_no_masks")
def _():
    cfg = encoder_config(4, 2, 6, "relu", batch_first=False, norm_first=False)
    return decoder_case(cfg, lambda: [randn(2, 3, 4), randn(4, 3, 4), None, None, None, None])

# ---------- positional encodings ----------

@case("xpositional_sinusoidal/odd_d_unbatched")
def _(): return build("SinusoidalPositionalEncoding", {"d_model": 5, "max_len": 10}, SinusoidalPositionalEncoding(5, 10), [randn(7, 5)])

@case("xpositional_sinusoidal/4d_long")
def _(): return build("SinusoidalPositionalEncoding", {"d_model": 6, "max_len": 64}, SinusoidalPositionalEncoding(6, 64), [randn(2, 2, 50, 6)])

@case("xpositional_learned/unbatched")
def _(): return build("LearnedPositionalEmbedding", {"d_model": 3, "max_len": 8}, LearnedPositionalEmbedding(3, 8), [randn(5, 3)])

@case("xpositional_learned/4d")
def _(): return build("LearnedPositionalEmbedding", {"d_model": 4, "max_len": 5}, LearnedPositionalEmbedding(4, 5), [randn(2, 3, 2, 4)])

# ---------- hierarchical softmax ----------

@case("xhierarchical_softmax/complete_c2")
def _(): return hsm_case(2, 3, 4)

@case("xhierarchical_softmax/complete_c7")
def _(): return hsm_case(7, 4, 9, targets=[0, 1, 2, 3, 4, 5, 6, 6, 3])

@case("xhierarchical_softmax/huffman_skewed")
def _(): return hsm_case(7, 3, 8, tree="huffman", counts=[40, 3, 7, 1, 12, 2, 2], targets=[0, 0, 3, 5, 6, 4, 1, 2])

@case("xhierarchical_softmax/huffman_all_ties")
def _(): return hsm_case(5, 2, 5, tree="huffman", counts=[2, 2, 2, 2, 2], targets=[4, 3, 2, 1, 0])

@case("xhierarchical_softmax/huffman_c3")
def _(): return hsm_case(3, 4, 3, tree="huffman", counts=[1, 1, 1], scale=2.0)

# ---------- adaptive log-softmax ----------

@case("xadaptive_log_softmax/three_clusters_div15")
def _(): return adaptive_case(7, 15, [3, 6, 10], 1.5, True, randn(8, 7), torch.tensor([0, 4, 7, 14, 2, 9, 11, 5]))

@case("xadaptive_log_softmax/empty_cluster")
def _(): return adaptive_case(8, 10, [2, 5, 8], 2.0, False, randn(5, 8), torch.tensor([0, 1, 3, 9, 4]))

@case("xadaptive_log_softmax/unbatched_tail")
def _(): return adaptive_case(5, 9, [4], 4.0, True, randn(5), torch.tensor(7))

@case("xadaptive_log_softmax/head_only_targets")
def _(): return adaptive_case(4, 6, [3, 5], 2.0, False, randn(4, 4), torch.tensor([0, 2, 1, 2]))

# ---------- word2vec objectives ----------

@case("xnegative_sampling/repeats_k5")
def _(): return ns_case("NegativeSamplingLoss", 7, 4, [1, 1, 6, 0, 3], [2, 2, 1, 6, 3],
                        [[0, 2, 5, 5, 1], [3, 4, 4, 4, 6], [1, 1, 0, 2, 3], [6, 5, 4, 3, 2], [3, 3, 3, 0, 1]])

@case("xcbow_negative_sampling/window1_single")
def _(): return ns_case("CbowNegativeSamplingLoss", 5, 3, [4], [[2]], [[0, 1]])

@case("xcbow_negative_sampling/window3_repeats")
def _(): return ns_case("CbowNegativeSamplingLoss", 9, 6, [0, 8, 4], [[1, 1, 2, 3, 3, 3], [7, 6, 5, 0, 1, 2], [4, 4, 4, 4, 4, 4]],
                        [[8, 7, 6], [0, 0, 0], [4, 3, 2]], scale=1.0)

@case("xadaptive_log_softmax/zero_width_tail_default_div")
def _():
    # div_value 4: tail sizes 8 // 4 = 2 and 8 // 16 = 0 (PyTorch builds a zero-width projection; that cluster is uniform).
    return adaptive_case(8, 10, [2, 5], 4.0, False, randn(6, 8), torch.tensor([0, 3, 9, 6, 1, 7]))
