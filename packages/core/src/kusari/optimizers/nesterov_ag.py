"""Nesterov's accelerated gradient, in the form of Sutskever et al. / Bengio et al."""
from __future__ import annotations

from kusari.optimizers._common import MomentumMethod, MomentumRule


def _nesterov_ag(xp, p, g, v, tmp, lr, momentum):
    v *= momentum
    xp.multiply(g, lr, out=tmp)
    v -= tmp
    xp.multiply(v, momentum * momentum, out=tmp)
    p += tmp
    xp.multiply(g, (1 + momentum) * lr, out=tmp)
    p -= tmp


class NesterovAGRule(MomentumRule):
    """Update rule of :class:`NesterovAG`.

    ``v <- momentum v - lr g;  w <- w + momentum^2 v - (1 + momentum) lr g``.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import NesterovAGRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> NesterovAGRule(lr=1.0, momentum=0.5).update(p); p.array   # 0.25 * -1 - 1.5
        array([-1.75], dtype=float32)
    """

    kernel = staticmethod(_nesterov_ag)


class NesterovAG(MomentumMethod):
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
    rule_class = NesterovAGRule
