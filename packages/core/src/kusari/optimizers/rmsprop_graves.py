"""Graves' RMSprop with momentum ("Generating sequences with recurrent neural networks", 2013)."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 1e-4
_default_hyperparam.alpha = 0.95
_default_hyperparam.momentum = 0.9
_default_hyperparam.eps = 1e-4


def _rmsprop_graves(xp, p, g, n, gbar, delta, tmp, lr, alpha, momentum, eps):
    n *= alpha
    xp.multiply(g, g, out=tmp)
    tmp *= 1 - alpha
    n += tmp
    gbar *= alpha
    xp.multiply(g, 1 - alpha, out=tmp)
    gbar += tmp
    xp.multiply(gbar, gbar, out=tmp)
    xp.subtract(n, tmp, out=tmp)
    tmp += eps
    xp.sqrt(tmp, out=tmp)
    xp.divide(g, tmp, out=tmp)
    tmp *= lr
    delta *= momentum
    delta -= tmp
    p += delta


class RMSpropGravesRule(optimizer.UpdateRule):
    """Update rule of :class:`RMSpropGraves`.

    ``n <- a n + (1-a) g^2;  gbar <- a gbar + (1-a) g;
    delta <- momentum delta - lr g / sqrt(n - gbar^2 + eps);  w <- w + delta``
    (the state keys are Chainer's: ``n``, ``g``, ``delta``).

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import RMSpropGravesRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> rule = RMSpropGravesRule(); rule.update(p); sorted(rule.state)
        ['delta', 'g', 'n']
    """

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None, alpha=None, momentum=None, eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        set_hyperparams(self.hyperparam, lr=lr, alpha=alpha, momentum=momentum, eps=eps)

    def init_state(self, param):
        for key in ("n", "g", "delta"):
            self.state[key] = zeros_like(param.array)

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        s = self.state
        _elementwise.run(_rmsprop_graves, (param.array, grad, s["n"], s["g"], s["delta"]), 1,
                         hp.lr, hp.alpha, hp.momentum, hp.eps)


class RMSpropGraves(optimizer.GradientMethod):
    """Alex Graves' RMSprop: centred mean square plus momentum.

    Args:
        lr (float): learning rate.
        alpha (float): exponential decay rate of the moments.
        momentum (float): exponential decay rate of the step.
        eps (float): keeps the square root positive.

    Example:
        >>> from kusari import optimizers
        >>> optimizers.RMSpropGraves().lr
        0.0001
    """

    name = "rmsprop_graves"
    lr = optimizer.HyperparameterProxy("lr")
    alpha = optimizer.HyperparameterProxy("alpha")
    momentum = optimizer.HyperparameterProxy("momentum")
    eps = optimizer.HyperparameterProxy("eps")

    def __init__(self, lr=_default_hyperparam.lr, alpha=_default_hyperparam.alpha,
                 momentum=_default_hyperparam.momentum, eps=_default_hyperparam.eps):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.alpha = alpha
        self.hyperparam.momentum = momentum
        self.hyperparam.eps = eps

    def create_update_rule(self):
        return RMSpropGravesRule(self.hyperparam)
