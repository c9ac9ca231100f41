"""Momentum SGD (the classical heavy-ball form)."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.01
_default_hyperparam.momentum = 0.9


def _momentum_sgd(xp, p, g, v, tmp, lr, momentum):
    v *= momentum
    xp.multiply(g, lr, out=tmp)
    v -= tmp
    p += v


class MomentumSGDRule(optimizer.UpdateRule):
    """Update rule of :class:`MomentumSGD`: ``v <- momentum v - lr g;  w <- w + v``.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import MomentumSGDRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> rule = MomentumSGDRule(lr=1.0, momentum=0.5)
        >>> rule.update(p); rule.update(p); p.array   # -1, then -1 + (-0.5 - 1)
        array([-2.5], dtype=float32)
    """

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None, momentum=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        set_hyperparams(self.hyperparam, lr=lr, momentum=momentum)

    def init_state(self, param):
        self.state["v"] = zeros_like(param.array)

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        _elementwise.run(_momentum_sgd, (param.array, grad, self.state["v"]), 1, hp.lr, hp.momentum)


class MomentumSGD(optimizer.GradientMethod):
    """Momentum SGD.

    Args:
        lr (float): learning rate.
        momentum (float): exponential decay rate of the velocity.

    Example:
        >>> from kusari import optimizers
        >>> o = optimizers.MomentumSGD(lr=0.1); o.lr, o.momentum
        (0.1, 0.9)
    """

    name = "momentum_sgd"
    lr = optimizer.HyperparameterProxy("lr")
    momentum = optimizer.HyperparameterProxy("momentum")

    def __init__(self, lr=_default_hyperparam.lr, momentum=_default_hyperparam.momentum):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.momentum = momentum

    def create_update_rule(self):
        return MomentumSGDRule(self.hyperparam)
