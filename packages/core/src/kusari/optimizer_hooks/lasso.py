"""L1 regularisation as a gradient hook: ``g += rate * sign(w)``."""
from __future__ import annotations

from kusari.optimizer_hooks._gradient_penalty import GradientPenaltyHook


def _add_sign(xp, g, p, tmp, rate):
    xp.sign(p, out=tmp)
    tmp *= rate
    g += tmp


class Lasso(GradientPenaltyHook):
    """Add ``rate * sign(param)`` to each gradient (L1 regularisation).

    Args:
        rate (float): coefficient of the L1 penalty.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import optimizer_hooks
        >>> p = kusari.Parameter(np.array([2.0, -4.0, 0.0], np.float32)); p.grad = np.ones(3, np.float32)
        >>> optimizer_hooks.Lasso(0.5)(None, p); p.grad
        array([1.5, 0.5, 1. ], dtype=float32)
    """

    name = "Lasso"
    kernel = staticmethod(_add_sign)
