"""Momentum SGD (the classical heavy-ball form)."""
from __future__ import annotations

from kusari.optimizers._common import MomentumMethod, MomentumRule


def _momentum_sgd(xp, p, g, v, tmp, lr, momentum):
    v *= momentum
    xp.multiply(g, lr, out=tmp)
    v -= tmp
    p += v


class MomentumSGDRule(MomentumRule):
    """Update rule of :class:`MomentumSGD`: ``v <- momentum v - lr g;  w <- w + v``.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import MomentumSGDRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> rule = MomentumSGDRule(lr=1.0, momentum=0.5)
        >>> rule.update(p); rule.update(p); p.array   # -1, then -1 + (-0.5 - 1)
        array([-2.5], dtype=float32)
    """

    kernel = staticmethod(_momentum_sgd)


class MomentumSGD(MomentumMethod):
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
    rule_class = MomentumSGDRule
