"""L2 regularisation as a gradient hook: ``g += rate * w``."""
from __future__ import annotations

from kusari.optimizer_hooks._gradient_penalty import GradientPenaltyHook


def _add_scaled(xp, g, p, tmp, rate):
    xp.multiply(p, rate, out=tmp)
    g += tmp


class WeightDecay(GradientPenaltyHook):
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
    kernel = staticmethod(_add_scaled)

    def _rate_for(self, param):
        loss_scale = getattr(param, "_loss_scale", None)
        return self.rate if loss_scale is None else self.rate * loss_scale
