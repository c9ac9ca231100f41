"""Momentum SGD with the learning rate applied outside the velocity (Goyal et al., 2017)."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.01
_default_hyperparam.momentum = 0.9


def _corrected_momentum_sgd(xp, p, g, v, tmp, lr, momentum):
    v *= momentum
    v -= g
    xp.multiply(v, lr, out=tmp)
    p += tmp


class CorrectedMomentumSGDRule(optimizer.UpdateRule):
    """Update rule of :class:`CorrectedMomentumSGD`: ``v <- momentum v - g;  w <- w + lr v``.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import CorrectedMomentumSGDRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> CorrectedMomentumSGDRule(lr=0.5).update(p); p.array
        array([-0.5], dtype=float32)
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
        _elementwise.run(_corrected_momentum_sgd, (param.array, grad, self.state["v"]), 1,
                         hp.lr, hp.momentum)


class CorrectedMomentumSGD(optimizer.GradientMethod):
    """Momentum SGD whose velocity does not carry the learning rate.

    Changing ``lr`` during training then scales the whole step at once,
    which is what learning-rate schedules expect ("Accurate, Large Minibatch
    SGD", Goyal et al., 2017).

    Args:
        lr (float): learning rate.
        momentum (float): exponential decay rate of the velocity.

    Example:
        >>> from kusari import optimizers
        >>> optimizers.CorrectedMomentumSGD().momentum
        0.9
    """

    name = "corrected_momentum_sgd"
    lr = optimizer.HyperparameterProxy("lr")
    momentum = optimizer.HyperparameterProxy("momentum")

    def __init__(self, lr=_default_hyperparam.lr, momentum=_default_hyperparam.momentum):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.momentum = momentum

    def create_update_rule(self):
        return CorrectedMomentumSGDRule(self.hyperparam)
