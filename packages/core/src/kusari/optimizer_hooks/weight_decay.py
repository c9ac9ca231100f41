"""L2 regularisation as a gradient hook: ``g += rate * w``."""
from __future__ import annotations

from kusari import _elementwise


def _add_scaled(xp, g, p, tmp, rate):
    xp.multiply(p, rate, out=tmp)
    g += tmp


class WeightDecay:
    """Add ``rate * param`` to each gradient (L2 regularisation, ``rate/2 * ||w||^2``).

    Under loss scaling the gradients are still scaled when optimizer-level
    hooks run, so the rate is scaled alike.

    Args:
        rate (float): coefficient of the weight decay.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import optimizer_hooks
        >>> p = kusari.Parameter(np.array([2.0, -4.0], np.float32)); p.grad = np.zeros(2, np.float32)
        >>> optimizer_hooks.WeightDecay(0.5)(None, p); p.grad
        array([ 1., -2.], dtype=float32)
    """

    name = "WeightDecay"
    call_for_each_param = True
    timing = "pre"

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, rule, param):
        p, g = param.array, param.grad
        if p is None or g is None:
            return
        rate = self.rate
        loss_scale = getattr(param, "_loss_scale", None)
        if loss_scale is not None:
            rate *= loss_scale
        _elementwise.run(_add_scaled, (g, p), 1, rate)
