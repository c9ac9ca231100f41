"""Momentum SGD with the learning rate applied outside the velocity (Goyal et al., 2017)."""
from __future__ import annotations

from kusari.optimizers._common import MomentumMethod, MomentumRule


def _corrected_momentum_sgd(xp, p, g, v, tmp, lr, momentum):
    v *= momentum
    v -= g
    xp.multiply(v, lr, out=tmp)
    p += tmp


class CorrectedMomentumSGDRule(MomentumRule):
    """Update rule of :class:`CorrectedMomentumSGD`: ``v <- momentum v - g;  w <- w + lr v``.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import CorrectedMomentumSGDRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> CorrectedMomentumSGDRule(lr=0.5).update(p); p.array
        array([-0.5], dtype=float32)
    """

    kernel = staticmethod(_corrected_momentum_sgd)


class CorrectedMomentumSGD(MomentumMethod):
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
    rule_class = CorrectedMomentumSGDRule
