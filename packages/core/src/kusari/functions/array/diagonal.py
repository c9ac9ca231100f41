"""``diagonal``: the diagonal of an array along two axes (``numpy.diagonal``) with a gradient."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Diagonal(FunctionNode):
    def __init__(self, offset, axis1, axis2):
        self._args = (offset, axis1, axis2)

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        # numpy.diagonal returns a read-only view; the output must be writeable.
        return utils._xp(x).diagonal(x, *self._args).copy(),

    def backward(self, indexes, grad_outputs):
        gx, = DiagonalGrad(self._args, self._in_shape).apply(grad_outputs)
        return gx,


class DiagonalGrad(FunctionNode):
    """Put ``gy`` on the diagonal of zeros of ``in_shape`` (the adjoint of ``Diagonal``)."""

    def __init__(self, args, in_shape):
        self._args = args
        self._in_shape = in_shape

    def forward(self, inputs):
        gy, = inputs
        xp = utils._xp(gy)
        offset, axis1, axis2 = self._args
        gx = xp.zeros(self._in_shape, gy.dtype)
        # With axis1/axis2 moved last, the diagonal is (i + row0, i + col0).
        moved = xp.moveaxis(gx, (axis1, axis2), (-2, -1))
        i = xp.arange(gy.shape[-1])
        moved[..., i + max(-offset, 0), i + max(offset, 0)] = gy
        return gx,

    def backward(self, indexes, grad_outputs):
        ggy, = Diagonal(*self._args).apply(grad_outputs)
        return ggy,


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The ``offset``-th diagonal of ``x`` in the plane of ``axis1`` and ``axis2``, as ``numpy.diagonal``.

    The two axes are removed and the diagonal becomes the last axis.

    Args:
        x: a Variable or array with at least 2 dimensions.
        offset: diagonal offset (positive: above the main diagonal).
        axis1: the first axis of the plane.
        axis2: the second axis of the plane (different from ``axis1``).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.diagonal import diagonal
        >>> x = np.arange(9, dtype=np.float32).reshape(3, 3)
        >>> diagonal(x).array, diagonal(x, offset=1).array
        (array([0., 4., 8.], dtype=float32), array([1., 5.], dtype=float32))
    """
    name = "diagonal"
    type_check.expect_min_ndim(name, "x", x, 2)
    ndim = x.ndim
    if not isinstance(offset, (int, numpy.integer)) or isinstance(offset, bool):
        type_check.fail(name, "offset", "an int", repr(offset))
    axes = []
    for arg, axis in (("axis1", axis1), ("axis2", axis2)):
        if not isinstance(axis, (int, numpy.integer)) or isinstance(axis, bool) or not -ndim <= axis < ndim:
            type_check.fail(name, arg, f"an int in [{-ndim}, {ndim - 1}] for a {ndim}-dimensional input",
                            repr(axis))
        axes.append(int(axis) % ndim)
    if axes[0] == axes[1]:
        type_check.fail(name, "axis2", f"an axis other than axis1 ({axes[0]})", repr(axis2))
    y, = Diagonal(int(offset), axes[0], axes[1]).apply((x,))
    return y
