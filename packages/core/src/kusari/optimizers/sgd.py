"""Stochastic gradient descent."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import set_hyperparams

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.01


def _sgd(xp, p, g, tmp, lr):
    xp.multiply(g, lr, out=tmp)
    p -= tmp


class SGDRule(optimizer.UpdateRule):
    """Update rule of :class:`SGD`: ``w <- w - lr * g``.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import SGDRule
        >>> p = kusari.Parameter(np.ones(2, np.float32)); p.grad = np.full(2, 2, np.float32)
        >>> SGDRule(lr=0.5).update(p); p.array
        array([0., 0.], dtype=float32)
    """

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        set_hyperparams(self.hyperparam, lr=lr)

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        _elementwise.run(_sgd, (param.array, grad), 1, self.hyperparam.lr)


class SGD(optimizer.GradientMethod):
    """Vanilla stochastic gradient descent.

    Args:
        lr (float): learning rate.

    Example:
        >>> from kusari import optimizers
        >>> optimizers.SGD().lr
        0.01
    """

    name = "sgd"
    lr = optimizer.HyperparameterProxy("lr")

    def __init__(self, lr=_default_hyperparam.lr):
        super().__init__()
        self.hyperparam.lr = lr

    def create_update_rule(self):
        return SGDRule(self.hyperparam)
