"""Nesterov's accelerated gradient, in the form of Sutskever et al. / Bengio et al."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.01
_default_hyperparam.momentum = 0.9


def _nesterov_ag(xp, p, g, v, tmp, lr, momentum):
    v *= momentum
    xp.multiply(g, lr, out=tmp)
    v -= tmp
    xp.multiply(v, momentum * momentum, out=tmp)
    p += tmp
    xp.multiply(g, (1 + momentum) * lr, out=tmp)
    p -= tmp


class NesterovAGRule(optimizer.UpdateRule):
    """Update rule of :class:`NesterovAG`.

    ``v <- momentum v - lr g;  w <- w + momentum^2 v - (1 + momentum) lr g``.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import NesterovAGRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> NesterovAGRule(lr=1.0, momentum=0.5).update(p); p.array   # 0.25 * -1 - 1.5
        array([-1.75], dtype=float32)
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
        _elementwise.run(_nesterov_ag, (param.array, grad, self.state["v"]), 1, hp.lr, hp.momentum)


class NesterovAG(optimizer.GradientMethod):
    """Nesterov's accelerated gradient ("Advances in optimizing recurrent networks", Bengio et al.).

    Args:
        lr (float): learning rate.
        momentum (float): exponential decay rate of the velocity.

    Example:
        >>> from kusari import optimizers
        >>> optimizers.NesterovAG(lr=0.05).lr
        0.05
    """

    name = "nesterov_ag"
    lr = optimizer.HyperparameterProxy("lr")
    momentum = optimizer.HyperparameterProxy("momentum")

    def __init__(self, lr=_default_hyperparam.lr, momentum=_default_hyperparam.momentum):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.momentum = momentum

    def create_update_rule(self):
        return NesterovAGRule(self.hyperparam)
