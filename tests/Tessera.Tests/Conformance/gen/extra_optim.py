import torch
from conformance import case
from ops_optim import _optim_case, _clip_case, _sched_case, SHAPES

S3 = [(2, 3), (5,), (1, 2, 2)]
O = [
    ("sgd_momentum_wd", "SGD", torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.0, "nesterov": False, "weight_decay": 0.1}),
    ("sgd_defaults", "SGD", torch.optim.SGD, {"lr": 0.3}),
    ("adam_defaults", "Adam", torch.optim.Adam, {"lr": 0.002}),
    ("adam_wd", "Adam", torch.optim.Adam, {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-3, "weight_decay": 0.2, "amsgrad": False}),
    ("adamw_amsgrad", "AdamW", torch.optim.AdamW, {"lr": 0.02, "betas": (0.9, 0.99), "eps": 1e-8, "weight_decay": 0.3, "amsgrad": True}),
    ("adamw_default_wd", "AdamW", torch.optim.AdamW, {"lr": 0.01}),
    ("rmsprop_centered", "RMSprop", torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.8, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": True}),
    ("rmsprop_momentum_wd", "RMSprop", torch.optim.RMSprop, {"lr": 0.005, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.1, "momentum": 0.9, "centered": False}),
    ("adagrad_wd", "Adagrad", torch.optim.Adagrad, {"lr": 0.5, "lr_decay": 0.0, "weight_decay": 0.1, "initial_accumulator_value": 0.0, "eps": 1e-10}),
    ("adadelta_wd", "Adadelta", torch.optim.Adadelta, {"lr": 0.5, "rho": 0.5, "eps": 1e-4, "weight_decay": 0.05}),
]
for name, op, cls, kw in O:
    def mk(name=name, op=op, cls=cls, kw=kw):
        @case("xoptim/" + name)
        def _(): return _optim_case(op, cls, kw, S3, 6)
    mk()

@case("xclip/norm1")
def _(): return _clip_case(2.0, 1.0, S3)
@case("xclip/norm3")
def _(): return _clip_case(0.5, 3.0, S3)
@case("xclip/inf_clips")
def _(): return _clip_case(0.5, float("inf"), S3)
@case("xclip/norm2_no_clip")
def _(): return _clip_case(1000.0, 2.0, S3)

sch = torch.optim.lr_scheduler
@case("xsched/step_lr_default_gamma")
def _(): return _sched_case("StepLR", lambda o: sch.StepLR(o, step_size=2), {"step_size": 2}, 9, base_lr=0.5)
@case("xsched/cosine_past_tmax")
def _(): return _sched_case("CosineAnnealingLR", lambda o: sch.CosineAnnealingLR(o, T_max=4, eta_min=0.0), {"T_max": 4, "eta_min": 0.0}, 20)
@case("xsched/linear_decay")
def _(): return _sched_case("LinearLR", lambda o: sch.LinearLR(o, start_factor=1.0, end_factor=0.2, total_iters=4), {"start_factor": 1.0, "end_factor": 0.2, "total_iters": 4}, 7)
@case("xsched/exponential_fast")
def _(): return _sched_case("ExponentialLR", lambda o: sch.ExponentialLR(o, gamma=0.5), {"gamma": 0.5}, 8, base_lr=1.0)
@case("xsched/onecycle_linear")
def _():
    return _sched_case("OneCycleLR", lambda o: sch.OneCycleLR(o, max_lr=0.5, total_steps=15, pct_start=0.4, anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0, three_phase=False, cycle_momentum=False),
                       {"max_lr": 0.5, "total_steps": 15, "pct_start": 0.4, "anneal_strategy": "linear", "div_factor": 10.0, "final_div_factor": 100.0, "three_phase": False}, 15)
@case("xsched/onecycle_three_phase")
def _():
    return _sched_case("OneCycleLR", lambda o: sch.OneCycleLR(o, max_lr=2.0, total_steps=24, pct_start=0.25, anneal_strategy="cos", div_factor=20.0, final_div_factor=1e3, three_phase=True, cycle_momentum=False),
                       {"max_lr": 2.0, "total_steps": 24, "pct_start": 0.25, "anneal_strategy": "cos", "div_factor": 20.0, "final_div_factor": 1e3, "three_phase": True}, 24)
