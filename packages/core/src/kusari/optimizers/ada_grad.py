"""AdaGrad (Duchi et al., 2011)."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.001
_default_hyperparam.eps = 1e-8


def _ada_grad(xp, p, g, h, tmp, lr, eps):
    xp.multiply(g, g, out=tmp)
    h += tmp
    xp.sqrt(h, out=tmp)
    tmp += eps
    xp.divide(g, tmp, out=tmp)
    tmp *= lr
    p -= tmp


class AdaGradRule(optimizer.UpdateRule):
    """Update rule of :class:`AdaGrad`: ``h <- h + g^2;  w <- w - lr g / (sqrt(h) + eps)``.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import AdaGradRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.full(1, 2, np.float32)
        >>> AdaGradRule(lr=0.5, eps=0).update(p); p.array
        array([-0.5], dtype=float32)
    """

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None, eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        set_hyperparams(self.hyperparam, lr=lr, eps=eps)

    def init_state(self, param):
        self.state["h"] = zeros_like(param.array)

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        _elementwise.run(_ada_grad, (param.array, grad, self.state["h"]), 1, hp.lr, hp.eps)


class AdaGrad(optimizer.GradientMethod):
    """AdaGrad: per-element learning rates from the sum of squared gradients.

    Args:
        lr (float): learning rate.
        eps (float): keeps the division finite.

    Example:
        >>> from kusari import optimizers
        >>> optimizers.AdaGrad().eps
        1e-08
    """

    name = "ada_grad"
    lr = optimizer.HyperparameterProxy("lr")
    eps = optimizer.HyperparameterProxy("eps")

    def __init__(self, lr=_default_hyperparam.lr, eps=_default_hyperparam.eps):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.eps = eps

    def create_update_rule(self):
        return AdaGradRule(self.hyperparam)
