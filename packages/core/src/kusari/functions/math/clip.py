"""``clip``: elementwise clamp of a Variable to ``[x_min, x_max]``."""
from __future__ import annotations

import numbers

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Clip(FunctionNode):
    def __init__(self, x_min, x_max):
        self.x_min = x_min
        self.x_max = x_max

    @property
    def label(self):
        return "clip"

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        return utils.force_array(utils._xp(x).clip(x, self.x_min, self.x_max), x.dtype),

    def backward(self, indexes, grad_outputs):
        x = self.get_retained_inputs()[0].array
        # The gradient passes where x lies inside the closed range (the ends
        # included, as Chainer); the mask is a constant, so the gradient of
        # this product with respect to gy is the same mask (double backprop).
        inside = True
        if self.x_min is not None:
            inside = x >= self.x_min
        if self.x_max is not None:
            inside = inside & (x <= self.x_max)
        return grad_outputs[0] * inside.astype(x.dtype),


def _bound(name: str, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        type_check.fail("clip", name, "a real scalar or None", type(value).__name__)
    # A Python float is a weak scalar: float32 x stays float32 under NEP 50.
    return float(value)


def clip(x, x_min, x_max):
    """Clamp every element of ``x`` into ``[x_min, x_max]``.

    The gradient is passed through where ``x_min <= x <= x_max`` and is zero
    elsewhere.  One of the bounds may be None (no bound on that side).

    Args:
        x: a float Variable or array.
        x_min: the lower bound (a real scalar) or None.
        x_max: the upper bound (a real scalar) or None.

    Returns:
        Variable of ``x``'s shape and dtype.

    Raises:
        InvalidType: ``x`` is not float or a bound is not a real scalar.
        ValueError: both bounds are None, or ``x_min >= x_max`` (as Chainer).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.clip import clip
        >>> clip(np.array([-2, 0.5, 3], np.float32), 0, 1).array
        array([0. , 0.5, 1. ], dtype=float32)
    """
    type_check.expect_float("clip", "x", x)
    x_min = _bound("x_min", x_min)
    x_max = _bound("x_max", x_max)
    if x_min is None and x_max is None:
        raise ValueError("clip: argument 'x_max' expected a bound when 'x_min' is None, got None")
    if x_min is not None and x_max is not None and not x_min < x_max:
        raise ValueError(f"clip: argument 'x_max' expected a value greater than x_min={x_min}, got {x_max}")
    y, = Clip(x_min, x_max).apply((x,))
    return y
