"""``repeat``: repeat each element along an axis (NumPy's ``repeat``)."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.array._axis import check_axis
from kusari.utils import type_check


class Repeat(FunctionNode):
    """``repeats`` is an int (every element the same) or a tuple with one count per element."""

    def __init__(self, repeats, axis):
        self._repeats = repeats
        self._axis = axis

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        return utils._xp(x).repeat(x, self._repeats, axis=self._axis),

    def backward(self, indexes, grad_outputs):
        y, = RepeatGrad(self._repeats, self._axis, self._in_shape).apply(grad_outputs)
        return y,


class RepeatGrad(FunctionNode):
    """Sum each run of copies back into the element it came from."""

    def __init__(self, repeats, axis, in_shape):
        self._repeats = repeats
        self._axis = axis
        self._in_shape = in_shape

    def forward(self, inputs):
        gy, = inputs
        xp = utils._xp(gy)
        axis, shape = self._axis, self._in_shape
        if isinstance(self._repeats, int):
            # Copies are adjacent: view the axis as (n, repeats) and sum the copies.
            split = shape[:axis] + (shape[axis], self._repeats) + shape[axis + 1:]
            return gy.reshape(split).sum(axis=axis + 1),
        owner = numpy.repeat(numpy.arange(shape[axis]), self._repeats)
        gx = xp.zeros(shape, gy.dtype)
        xp.add.at(gx, (slice(None),) * axis + (xp.asarray(owner),), gy)
        return gx,

    def backward(self, indexes, grad_outputs):
        y, = Repeat(self._repeats, self._axis).apply(grad_outputs)
        return y,


def repeat(x, repeats, axis=None):
    """Repeat each element of ``x``.

    Args:
        x: a Variable or array.
        repeats: a non-negative int, or a tuple/list of them with one count
            per element along ``axis`` (or a single count).
        axis: the axis to repeat along; None flattens ``x`` first.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.repeat import repeat
        >>> repeat(np.array([[1, 2], [3, 4]], np.float32), 2, axis=1).array
        array([[1., 1., 2., 2.],
               [3., 3., 4., 4.]], dtype=float32)
        >>> repeat(np.array([1, 2], np.float32), (1, 3)).array
        array([1., 2., 2., 2.], dtype=float32)
    """
    items = repeats if isinstance(repeats, (tuple, list)) else (repeats,)
    if not items or not all(
            isinstance(r, (int, numpy.integer)) and not isinstance(r, bool) and r >= 0 for r in items):
        type_check.fail("repeat", "repeats", "a non-negative int or a tuple of them", repr(repeats))
    if axis is None:
        from kusari.functions.array.reshape import reshape

        x, axis = reshape(x, (x.size,)), 0
    else:
        axis = check_axis("repeat", "axis", axis, x.ndim)
    n = x.shape[axis]
    if len(items) == 1:
        repeats = int(items[0])
    elif len(items) != n:
        type_check.fail("repeat", "repeats", f"1 or {n} counts (the length of axis {axis})", str(len(items)))
    else:
        repeats = tuple(int(r) for r in items)
    y, = Repeat(repeats, axis).apply((x,))
    return y
