"""What the regularisation hooks that add ``rate * f(param)`` to each gradient share."""
from __future__ import annotations

from kusari import _elementwise


class GradientPenaltyHook:
    """Base of Lasso and WeightDecay: a per-parameter ``'pre'`` hook that adds a penalty's gradient.

    A subclass gives ``kernel(xp, g, p, tmp, rate)``, the in-place update of
    ``g`` run by :func:`kusari._elementwise.run`, and may override
    ``_rate_for(param)`` (the rate used for that parameter).  Parameters
    without an array or a gradient are skipped.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizer_hooks._gradient_penalty import GradientPenaltyHook
        >>> def add_rate(xp, g, p, tmp, rate):
        ...     g += rate
        >>> class AddRate(GradientPenaltyHook):
        ...     name = "AddRate"
        ...     kernel = staticmethod(add_rate)
        >>> p = kusari.Parameter(np.zeros(2, np.float32)); p.grad = np.ones(2, np.float32)
        >>> AddRate(0.5)(None, p); p.grad
        array([1.5, 1.5], dtype=float32)
    """

    call_for_each_param = True
    timing = "pre"
    kernel = None

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, rule, param):
        p, g = param.array, param.grad
        if p is None or g is None:
            return
        _elementwise.run(self.kernel, (g, p), 1, self._rate_for(param))

    def _rate_for(self, param):
        return self.rate
