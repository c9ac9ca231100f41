"""Layer-wise adaptive rate scaling (LARS) of gradients."""
from __future__ import annotations

import math

import numpy


def _norm(a) -> float:
    flat = a.reshape(-1) if a.flags.c_contiguous else a.ravel()
    if flat.dtype.itemsize < 4:  # a float16 sum of squares overflows at 65504
        flat = flat.astype(numpy.float32)
    return math.sqrt(float(flat.dot(flat)))


class GradientLARS:
    """Scale each parameter's gradient by its trust ratio (You et al., 2017).

    ``g <- (g + weight_decay * w) * rate`` where ``rate`` is
    ``|w| / (eps + |g| + weight_decay * |w|)`` when ``|w| > threshold``,
    else 1 (norms are L2 norms of the whole parameter).

    Args:
        threshold (float): below this weight norm the gradient is not rescaled.
        weight_decay (float): coefficient of the weight decay added to the gradient.
        eps (float): keeps the ratio finite.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import optimizer_hooks
        >>> p = kusari.Parameter(np.array([3.0, 4.0], np.float32))    # |w| = 5
        >>> p.grad = np.array([0.0, 10.0], np.float32)                  # |g| = 10
        >>> optimizer_hooks.GradientLARS(eps=0.0)(None, p); p.grad
        array([0., 5.], dtype=float32)
    """

    name = "GradientLARS"
    call_for_each_param = True
    timing = "pre"

    def __init__(self, threshold=1e-2, weight_decay=0.0, eps=1e-9):
        self.threshold = threshold
        self.weight_decay = weight_decay
        self.eps = eps

    def __call__(self, rule, param):
        p, g = param.array, param.grad
        if p is None or g is None:
            return
        if type(p) is not numpy.ndarray:
            xp = param.xp
            p_norm = xp.linalg.norm(p)
            g_norm = xp.linalg.norm(g)
            rate = xp.where(p_norm > self.threshold,
                            p_norm / (self.eps + g_norm + self.weight_decay * p_norm), 1.0)
            g += self.weight_decay * p
            g *= rate.astype(g.dtype)
            return
        p_norm = _norm(p)
        g_norm = _norm(g)
        rate = p_norm / (self.eps + g_norm + self.weight_decay * p_norm) if p_norm > self.threshold else 1.0
        if self.weight_decay:
            g += g.dtype.type(self.weight_decay) * p
        g *= g.dtype.type(rate)
