"""SMORMS3 (Simon Funk, "RMSprop loses to SMORMS3 - Beware the Epsilon!", 2015)."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import ones_like, set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.001
_default_hyperparam.eps = 1e-16


def _smorms3(xp, p, grad, mem, g, g2, t1, t2, t3, lr, eps):
    xp.add(mem, 1, out=t1)
    xp.reciprocal(t1, out=t1)            # r = 1 / (mem + 1)
    xp.subtract(grad, g, out=t2)
    t2 *= t1
    g += t2                              # g = (1 - r) g + r grad
    xp.multiply(grad, grad, out=t2)
    t2 -= g2
    t2 *= t1
    g2 += t2                             # g2 = (1 - r) g2 + r grad^2
    xp.multiply(g, g, out=t1)
    xp.add(g2, eps, out=t2)
    t1 /= t2                             # x = g^2 / (g2 + eps)
    xp.minimum(t1, lr, out=t2)
    t2 *= grad
    xp.sqrt(g2, out=t3)
    t3 += eps
    t2 /= t3
    p -= t2                              # w -= grad min(x, lr) / (sqrt(g2) + eps)
    xp.subtract(1, t1, out=t1)
    mem *= t1
    mem += 1                             # mem = 1 + mem (1 - x)


class SMORMS3Rule(optimizer.UpdateRule):
    """Update rule of :class:`SMORMS3` (state keys ``mem``, ``g``, ``g2``).

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import SMORMS3Rule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> rule = SMORMS3Rule(lr=0.1); rule.update(p)   # g = g2 = 1/2, x = 1/2
        >>> p.array                                       # -min(x, lr) / sqrt(g2)
        array([-0.14142136], dtype=float32)
    """

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None, eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        set_hyperparams(self.hyperparam, lr=lr, eps=eps)

    def init_state(self, param):
        self.state["mem"] = ones_like(param.array)
        self.state["g"] = zeros_like(param.array)
        self.state["g2"] = zeros_like(param.array)

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        s = self.state
        _elementwise.run(_smorms3, (param.array, grad, s["mem"], s["g"], s["g2"]), 3, hp.lr, hp.eps)


class SMORMS3(optimizer.GradientMethod):
    """SMORMS3: RMSprop with an adaptive averaging window.

    Args:
        lr (float): learning rate (the largest step fraction).
        eps (float): keeps the divisions finite.

    Example:
        >>> from kusari import optimizers
        >>> optimizers.SMORMS3().eps
        1e-16
    """

    name = "smorms3"
    lr = optimizer.HyperparameterProxy("lr")
    eps = optimizer.HyperparameterProxy("eps")

    def __init__(self, lr=_default_hyperparam.lr, eps=_default_hyperparam.eps):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.eps = eps

    def create_update_rule(self):
        return SMORMS3Rule(self.hyperparam)
