"""``tile``: repeat the whole array along each axis (NumPy's ``tile``)."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Tile(FunctionNode):
    def __init__(self, reps):
        self._reps = reps

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        return utils._xp(x).tile(x, self._reps),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.reshape import reshape
        from kusari.functions.math.sum import sum as sum_

        # The output axis of length r*s is r copies of an axis of length s:
        # split it into (r, s) and sum the copies.
        reps = self._reps
        shape = (1,) * (len(reps) - len(self._in_shape)) + tuple(self._in_shape)
        split = tuple(n for pair in zip(reps, shape) for n in pair)
        gx = sum_(reshape(grad_outputs[0], split), axis=tuple(range(0, len(split), 2)))
        return reshape(gx, self._in_shape),


def tile(x, reps):
    """Build an array by repeating ``x`` ``reps`` times along each axis.

    Args:
        x: a Variable or array.
        reps: a non-negative int or a tuple of them.  As in NumPy, a shorter
            ``reps`` is padded with 1s on the left and a longer one gives
            ``x`` leading axes of length 1.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.tile import tile
        >>> tile(np.array([1, 2], np.float32), 2).array
        array([1., 2., 1., 2.], dtype=float32)
        >>> tile(np.array([1, 2], np.float32), (2, 1)).shape
        (2, 2)
    """
    items = reps if isinstance(reps, (tuple, list)) else (reps,)
    if not all(isinstance(r, (int, numpy.integer)) and not isinstance(r, bool) and r >= 0 for r in items):
        type_check.fail("tile", "reps", "a non-negative int or a tuple of them", repr(reps))
    reps = (1,) * (x.ndim - len(items)) + tuple(int(r) for r in items)
    y, = Tile(reps).apply((x,))
    return y
