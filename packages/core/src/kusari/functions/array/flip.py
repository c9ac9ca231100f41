"""``flip``, ``fliplr`` and ``flipud``: reverse one axis (a view; flipping is its own gradient)."""
from __future__ import annotations

from kusari.function_node import FunctionNode
from kusari.functions.array._axis import check_axis
from kusari.utils import type_check


class Flip(FunctionNode):
    def __init__(self, axis):
        self._axis = axis

    def forward(self, inputs):
        x, = inputs
        return x[(slice(None),) * self._axis + (slice(None, None, -1),)],

    def backward(self, indexes, grad_outputs):
        y, = Flip(self._axis).apply(grad_outputs)
        return y,


def flip(x, axis):
    """Reverse the order of elements along ``axis``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.flip import flip
        >>> flip(np.arange(6, dtype=np.float32).reshape(2, 3), 1).array
        array([[2., 1., 0.],
               [5., 4., 3.]], dtype=float32)
    """
    axis = check_axis("flip", "axis", axis, x.ndim)
    y, = Flip(axis).apply((x,))
    return y


def fliplr(a):
    """Reverse axis 1 (left/right); ``a`` needs at least 2 dimensions.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.flip import fliplr
        >>> fliplr(np.array([[1, 2], [3, 4]], np.float32)).array
        array([[2., 1.],
               [4., 3.]], dtype=float32)
    """
    return _flip_fixed_axis("fliplr", a, 1)


def flipud(a):
    """Reverse axis 0 (up/down); ``a`` needs at least 1 dimension.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.flip import flipud
        >>> flipud(np.array([[1, 2], [3, 4]], np.float32)).array
        array([[3., 4.],
               [1., 2.]], dtype=float32)
    """
    return _flip_fixed_axis("flipud", a, 0)


def _flip_fixed_axis(func, a, axis):
    """``a`` flipped along ``axis``, which ``a`` must have."""
    type_check.expect_min_ndim(func, "a", a, axis + 1)
    y, = Flip(axis).apply((a,))
    return y
