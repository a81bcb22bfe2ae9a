"""Extra recurrent-family cases (names prefixed x): configurations the public cases miss.

  /usr/bin/python3 /work/shared/conformance/gen/generate.py OUT --only x --extra extra_recurrent.py
"""
import torch
from conformance import build, case, randn
from ops_recurrent import (CoupledLSTM, PeepholeLSTM, RecursiveNN, bidir_case, cell_case, conv2d_config, convlstm_case,
                           elm_case, esn_case, esn_design, lstm_variant_case, recnn_case, ridge_case, rnn_case, td_case,
                           RIDGE_NOTE)

P = "xrecurrent/"

# ---- stacks: other layer counts, directions, layouts, biases, states and lengths

@case(P + "rnn_relu_2layer_bidir_batch_first_lengths_h0")
def _(): return rnn_case("RNN", I=3, H=4, T=5, N=3, layers=2, batch_first=True, bidirectional=True, nonlinearity="relu", lengths=[4, 5, 2])

@case(P + "rnn_tanh_3layer_nobias_lengths_short")
def _(): return rnn_case("RNN", I=2, H=3, T=6, N=4, layers=3, bias=False, lengths=[3, 1, 2, 3])

@case(P + "rnn_single_step")
def _(): return rnn_case("RNN", I=4, H=5, T=1, N=2)

@case(P + "lstm_3layer_bidir_lengths_h0_only")
def _(): return rnn_case("LSTM", I=3, H=4, T=5, N=3, layers=3, bidirectional=True, c0=False, lengths=[2, 5, 3])

@case(P + "lstm_c0_only")
def _(): return rnn_case("LSTM", I=4, H=3, T=4, N=2, h0=False)

@case(P + "lstm_nobias_bidir_batch_first_lengths_short")
def _(): return rnn_case("LSTM", I=2, H=3, T=6, N=3, bias=False, batch_first=True, bidirectional=True, lengths=[4, 2, 4])

@case(P + "lstm_2layer_lengths_null_state")
def _(): return rnn_case("LSTM", I=3, H=5, T=5, N=4, layers=2, h0=False, c0=False, lengths=[5, 3, 1, 4])

@case(P + "lstm_t1_n1")
def _(): return rnn_case("LSTM", I=3, H=2, T=1, N=1)

@case(P + "lstm_long_t40")
def _(): return rnn_case("LSTM", I=2, H=3, T=40, N=2)

@case(P + "gru_reset_before_bidir_batch_first_lengths")
def _(): return rnn_case("GRU", I=3, H=4, T=5, N=3, batch_first=True, bidirectional=True, reset_after=False, lengths=[5, 2, 3])

@case(P + "gru_reset_before_2layer_nobias_hnull")
def _(): return rnn_case("GRU", I=4, H=3, T=4, N=2, layers=2, bias=False, reset_after=False, h0=False)

@case(P + "gru_3layer_bidir_nobias_lengths")
def _(): return rnn_case("GRU", I=2, H=3, T=4, N=3, layers=3, bias=False, bidirectional=True, lengths=[1, 4, 2])

@case(P + "gru_lengths_all_full")
def _(): return rnn_case("GRU", I=3, H=2, T=3, N=2, lengths=[3, 3])

# ---- cells

@case(P + "rnncell_relu_h")
def _(): return cell_case("RNNCell", I=3, H=4, N=3, nonlinearity="relu")

@case(P + "lstmcell_h_only_nobias")
def _(): return cell_case("LSTMCell", I=4, H=3, N=2, bias=False, c=False)

@case(P + "lstmcell_c_only")
def _(): return cell_case("LSTMCell", I=2, H=3, N=3, h=False)

@case(P + "grucell_batch1")
def _(): return cell_case("GRUCell", I=5, H=2, N=1)

# ---- LSTM variants

@case(P + "peephole_lstm_strong_peepholes_batch_first_h0c0")
def _(): return lstm_variant_case("PeepholeLSTM", PeepholeLSTM, I=3, H=3, T=5, N=2, batch_first=True, peep_scale=3.0)

@case(P + "peephole_lstm_h0_only")
def _(): return lstm_variant_case("PeepholeLSTM", PeepholeLSTM, I=2, H=4, T=4, N=3, c0=False)

@case(P + "coupled_lstm_c0_only_long")
def _(): return lstm_variant_case("CoupledLSTM", CoupledLSTM, I=3, H=2, T=12, N=2, h0=False)

@case(P + "convlstm_rect_kernel_peephole_null_state")
def _(): return convlstm_case(C=1, Hc=2, k=(5, 3), pad=(2, 1), size=(5, 4), T=3, N=2, peephole=True, h0=False, c0=False)

@case(P + "convlstm_1x1_batch_first_h0_only")
def _(): return convlstm_case(C=3, Hc=2, k=(1, 1), pad=(0, 0), size=(3, 2), T=4, N=1, batch_first=True, c0=False)

# ---- wrappers

@case(P + "time_distributed_linear_extra_axes_nobias")
def _(): return td_case({"op": "Linear", "config": {"in_features": 4, "out_features": 2, "bias": False}}, (2, 3, 5, 4))

@case(P + "time_distributed_conv2d_stride_groups")
def _(): return td_case({"op": "Conv2d", "config": conv2d_config(4, 2, (3, 3), stride=(2, 2), padding=(1, 0), groups=2)}, (2, 2, 4, 5, 6))

@case(P + "bidirectional_lstm_2layer_concat")
def _(): return bidir_case("LSTM", "concat", (4, 2, 3), I=3, H=3, layers=2)

@case(P + "bidirectional_gru_reset_before_ave")
def _(): return bidir_case("GRU", "ave", (5, 2, 2), I=2, H=3, reset_after=False)

@case(P + "bidirectional_rnn_relu_batch_first_mul")
def _(): return bidir_case("RNN", "mul", (2, 4, 3), I=3, H=4, batch_first=True, nonlinearity="relu")

@case(P + "bidirectional_lstm_nobias_batch_first_sum")
def _(): return bidir_case("LSTM", "sum", (3, 4, 2), I=2, H=3, bias=False, batch_first=True)

# ---- reservoir, ridge, trees, ELM

@case(P + "esn_leak1_x0_given")
def _(): return esn_case(Nu=1, Nx=8, T=20, a=1.0, x0=True)

@case(P + "esn_slow_leak_long")
def _(): return esn_case(Nu=2, Nx=6, T=30, a=0.1)

@case(P + "ridge_readout_more_features_than_samples")
def _(): return ridge_case(randn(7, 4), randn(3, 4), 2.0)

@case(P + "ridge_readout_esn_design_washout")
def _():
    X, Y = esn_design(1, 6, 20, 0.3, washout=5)
    return ridge_case(X, Y, 1.0, rtol=1e-3, atol=1e-4, note=RIDGE_NOTE)

@case(P + "recursive_nn_right_chain")
def _(): return recnn_case(3, [[3, 4], [2, 5], [1, 6], [0, 7]])

@case(P + "recursive_nn_mixed_order_d2")
def _():
    # leaves 0..5; n6=(4 0), n7=(n6 5), n8=(2 1), n9=(3 n8), n10=(n9 n7)
    return recnn_case(2, [[4, 0], [6, 5], [2, 1], [3, 8], [9, 7]])

@case(P + "recursive_nn_two_leaves")
def _(): return recnn_case(4, [[1, 0]])

@case(P + "elm_tanh_min_norm")
def _(): return elm_case(I=3, Nh=8, Ny=2, N=5, act="tanh")

@case(P + "elm_sigmoid_min_norm")
def _(): return elm_case(I=2, Nh=6, Ny=3, N=4, act="sigmoid")

@case(P + "elm_square")
def _(): return elm_case(I=4, Nh=5, Ny=1, N=5, act="tanh")
