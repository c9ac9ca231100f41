"""L1 regularisation as a gradient hook: ``g += rate * sign(w)``."""
from __future__ import annotations

from kusari import _elementwise


def _add_sign(xp, g, p, tmp, rate):
    xp.sign(p, out=tmp)
    tmp *= rate
    g += tmp


class Lasso:
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
    call_for_each_param = True
    timing = "pre"

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, rule, param):
        p, g = param.array, param.grad
        if p is None or g is None:
            return
        _elementwise.run(_add_sign, (g, p), 1, self.rate)
