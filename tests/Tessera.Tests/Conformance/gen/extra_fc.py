import torch, torch.nn as nn, torch.nn.functional as F
from conformance import build, case, randint, randn
from ops_fc import ACTS, Loss, Fn

for name in ACTS:
    cfg, mod = ACTS[name]
    op = "GELU" if name.startswith("GELU") else name
    def mk(name=name, cfg=cfg, mod=mod, op=op):
        @case(f"xactivation/{name.lower()}_4d")
        def _():
            m = nn.PReLU() if name == "PReLU" else mod
            x = randn(2, 3, 2, 4, scale=3.0)
            x = torch.where(x.abs() < 1e-3, x + 1e-2, x)
            return build(op, cfg, m, [x])
    mk()

@case("xactivation/leaky_slope")
def _(): return build("LeakyReLU", {"negative_slope": 0.3}, nn.LeakyReLU(0.3), [randn(3, 5, scale=2)])
@case("xactivation/softplus_beta")
def _(): return build("Softplus", {"beta": 2.0, "threshold": 3.0}, nn.Softplus(2.0, 3.0), [randn(4, 5, scale=3)])
@case("xactivation/hardtanh_range")
def _(): return build("Hardtanh", {"min_val": -0.5, "max_val": 2.0}, nn.Hardtanh(-0.5, 2.0), [randn(4, 5, scale=2)])
@case("xactivation/elu_alpha")
def _(): return build("ELU", {"alpha": 0.5}, nn.ELU(0.5), [randn(4, 5, scale=2)])
@case("xactivation/prelu_4d")
def _():
    m = nn.PReLU(4, 0.2)
    with torch.no_grad(): m.weight.copy_(torch.tensor([0.1, -0.3, 0.5, 0.2]))
    return build("PReLU", {"num_parameters": 4, "init": 0.2}, m, [randn(2, 4, 3, 3)])
@case("xlinear/1d_input")
def _(): return build("Linear", {"in_features": 5, "out_features": 2, "bias": True}, nn.Linear(5, 2), [randn(5)])
@case("xbilinear/nobias_3d")
def _(): return build("Bilinear", {"in1_features": 3, "in2_features": 2, "out_features": 4, "bias": False}, nn.Bilinear(3, 2, 4, bias=False), [randn(2, 3, 3), randn(2, 3, 2)])
@case("xsoftmax/dim0")
def _(): return build("Softmax", {"dim": 0}, nn.Softmax(dim=0), [randn(4, 3, scale=5)])
@case("xlogsoftmax/large")
def _():
    x = torch.tensor([[80.0, -60.0, 0.5], [1.0, 2.0, 3.0]], dtype=torch.float64)
    return build("LogSoftmax", {"dim": -1}, nn.LogSoftmax(dim=-1), [x])
@case("xlogsoftmax/3d_dim1")
def _(): return build("LogSoftmax", {"dim": 1}, nn.LogSoftmax(dim=1), [randn(2, 4, 3, scale=3)])
@case("xembedding/padding_neg")
def _():
    idx = torch.tensor([[4, 1, 4], [0, 2, 3]])
    return build("Embedding", {"num_embeddings": 5, "embedding_dim": 2, "padding_idx": 4}, nn.Embedding(5, 2, padding_idx=4), [idx])

def L(name, op, cfg, mod, ins):
    @case("xloss/" + name)
    def _(): return build(op, cfg, Loss(mod), ins())

L("ce_smooth_ignore_mean", "CrossEntropyLoss", {"reduction": "mean", "label_smoothing": 0.1, "ignore_index": 2},
  nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=2), lambda: [randn(6, 4, scale=2), torch.tensor([0, 2, 1, 3, 2, 1])])
L("ce_none_spatial_ignore", "CrossEntropyLoss", {"reduction": "none", "label_smoothing": 0.0, "ignore_index": 0},
  nn.CrossEntropyLoss(reduction="none", ignore_index=0), lambda: [randn(2, 3, 2, 2), randint(3, 2, 2, 2)])
L("ce_smooth_sum_spatial", "CrossEntropyLoss", {"reduction": "sum", "label_smoothing": 0.3, "ignore_index": -100},
  nn.CrossEntropyLoss(reduction="sum", label_smoothing=0.3), lambda: [randn(2, 5, 3), randint(5, 2, 3)])
L("nll_ignore_sum", "NLLLoss", {"reduction": "sum", "ignore_index": 1}, nn.NLLLoss(reduction="sum", ignore_index=1),
  lambda: [F.log_softmax(randn(6, 4), 1), torch.tensor([0, 1, 1, 3, 2, 1])])
L("nll_none", "NLLLoss", {"reduction": "none", "ignore_index": -100}, nn.NLLLoss(reduction="none"), lambda: [F.log_softmax(randn(5, 3), 1), randint(3, 5)])
L("mse_sum", "MSELoss", {"reduction": "sum"}, nn.MSELoss(reduction="sum"), lambda: [randn(3, 4), randn(3, 4)])
L("mse_none", "MSELoss", {"reduction": "none"}, nn.MSELoss(reduction="none"), lambda: [randn(3, 4), randn(3, 4)])
L("l1_mean", "L1Loss", {"reduction": "mean"}, nn.L1Loss(), lambda: [randn(3, 4), randn(3, 4)])
L("smooth_l1_sum_beta1", "SmoothL1Loss", {"reduction": "sum", "beta": 1.0}, nn.SmoothL1Loss(reduction="sum"), lambda: [randn(5, 3, scale=2), randn(5, 3)])
L("huber_mean", "HuberLoss", {"reduction": "mean", "delta": 0.7}, nn.HuberLoss(delta=0.7), lambda: [randn(5, 3, scale=2), randn(5, 3)])
L("huber_none", "HuberLoss", {"reduction": "none", "delta": 1.5}, nn.HuberLoss(reduction="none", delta=1.5), lambda: [randn(5, 3, scale=2), randn(5, 3)])
L("bce_sum", "BCELoss", {"reduction": "sum"}, nn.BCELoss(reduction="sum"), lambda: [torch.sigmoid(randn(4, 3)), torch.rand(4, 3, dtype=torch.float64)])
L("bce_logits_large_none", "BCEWithLogitsLoss", {"reduction": "none"}, nn.BCEWithLogitsLoss(reduction="none"),
  lambda: [torch.tensor([[60.0, -60.0, 3.0], [-2.0, 40.0, -45.0]], dtype=torch.float64), torch.rand(2, 3, dtype=torch.float64)])
L("kl_sum_logt", "KLDivLoss", {"reduction": "sum", "log_target": True}, nn.KLDivLoss(reduction="sum", log_target=True),
  lambda: [F.log_softmax(randn(3, 4), 1), F.log_softmax(randn(3, 4), 1)])
L("kl_mean", "KLDivLoss", {"reduction": "mean", "log_target": False}, nn.KLDivLoss(reduction="mean"),
  lambda: [F.log_softmax(randn(3, 4), 1), F.softmax(randn(3, 4), 1)])
L("kl_none", "KLDivLoss", {"reduction": "none", "log_target": False}, nn.KLDivLoss(reduction="none"),
  lambda: [F.log_softmax(randn(3, 4), 1), F.softmax(randn(3, 4), 1)])

@case("xop/div_broadcast")
def _(): return build("div", {}, Fn(torch.div), [randn(2, 3), randn(3).abs() + 0.5])
@case("xop/sum_nokeep")
def _(): return build("sum", {"dim": [1], "keepdim": False}, Fn(lambda x: x.sum(dim=1)), [randn(2, 3, 4)])
@case("xop/mean_keep_neg")
def _(): return build("mean", {"dim": [-1, 0], "keepdim": True}, Fn(lambda x: x.mean(dim=(-1, 0), keepdim=True)), [randn(2, 3, 4)])
@case("xop/max_keepdim")
def _(): return build("max", {"dim": 0, "keepdim": True}, Fn(lambda t: torch.max(t, dim=0, keepdim=True)), [randn(4, 3)], outputs_differentiable=[True, False])
@case("xop/matmul_vec_mat")
def _(): return build("matmul", {}, Fn(torch.matmul), [randn(4), randn(2, 4, 3)])
@case("xop/matmul_mat_vec")
def _(): return build("matmul", {}, Fn(torch.matmul), [randn(2, 3, 4), randn(4)])
@case("xop/matmul_vec_vec")
def _(): return build("matmul", {}, Fn(torch.matmul), [randn(4), randn(4)])
@case("xop/cat_neg_dim")
def _(): return build("cat", {"dim": -1}, Fn(lambda a, b: torch.cat([a, b], dim=-1)), [randn(2, 3), randn(2, 2)])
@case("xop/permute_reshape_4d")
def _(): return build("permute_reshape", {"dims": [0, 3, 1, 2], "shape": [-1, 6]}, Fn(lambda x: x.permute(0, 3, 1, 2).reshape(-1, 6)), [randn(2, 2, 3, 3)])
@case("xop/add_scalar_like")
def _(): return build("add", {}, Fn(torch.add), [randn(2, 3), randn(1)])
