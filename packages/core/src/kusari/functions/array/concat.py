"""``concat``: join arrays along an existing axis (the inverse of ``split_axis``)."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import Variable


class Concat(FunctionNode):
    def __init__(self, axis):
        self._axis = axis

    def forward(self, inputs):
        self._sizes = [x.shape[self._axis] for x in inputs]
        return utils._xp(*inputs).concatenate(inputs, axis=self._axis),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.split_axis import SplitAxis

        split_points = []
        total = 0
        for size in self._sizes[:-1]:
            total += size
            split_points.append(total)
        gxs = SplitAxis(tuple(split_points), self._axis).apply(grad_outputs)
        return tuple([gxs[i] for i in indexes])


def concat(xs, axis=1):
    """Concatenate Variables or arrays along ``axis``.

    Args:
        xs: a list or tuple of Variables/arrays of one dtype and the same
            shape except along ``axis``.
        axis: the axis to join along (negative counts from the end).

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> a = np.zeros((2, 1), np.float32); b = np.ones((2, 2), np.float32)
        >>> F.concat((a, b)).array
        array([[0., 1., 1.],
               [0., 1., 1.]], dtype=float32)
        >>> F.concat([a, a], axis=0).shape
        (4, 1)
    """
    if isinstance(xs, Variable) or hasattr(xs, "shape") or not isinstance(xs, (list, tuple)):
        type_check.fail("concat", "xs", "a list or tuple of Variables or arrays", type(xs).__name__)
    if not xs:
        type_check.fail("concat", "xs", "at least one array", "an empty sequence")
    first = xs[0]
    ndim = first.ndim
    if ndim == 0:
        type_check.fail("concat", "xs[0]", "at least 1 dimension", "0 (shape ())")
    if not isinstance(axis, (int, numpy.integer)) or isinstance(axis, bool):
        type_check.fail("concat", "axis", "an int", repr(axis))
    if not -ndim <= axis < ndim:
        type_check.fail("concat", "axis", f"an axis in [{-ndim}, {ndim - 1}] for {ndim}-dimensional inputs",
                        str(axis))
    axis = int(axis) % ndim
    shape = first.shape
    for i, x in enumerate(xs[1:], 1):
        if x.dtype != first.dtype:
            type_check.fail("concat", f"xs[{i}]", f"dtype {first.dtype} (the dtype of xs[0])", str(x.dtype))
        other = x.shape
        if len(other) != ndim or any(a != b for k, (a, b) in enumerate(zip(shape, other, strict=True)) if k != axis):
            expected = ", ".join("*" if k == axis else str(s) for k, s in enumerate(shape))
            type_check.fail("concat", f"xs[{i}]", f"shape ({expected}{',' if ndim == 1 else ''}) "
                            f"(the shape of xs[0] except on axis {axis})", str(tuple(other)))
    y, = Concat(axis).apply(tuple(xs))
    return y
