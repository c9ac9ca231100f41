"""``where``: pick elements from ``x`` where ``condition`` holds, else from ``y``."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import Variable


class Where(FunctionNode):
    """Inputs ``x`` and ``y`` of one shape; ``condition`` (a boolean array of that shape) is a constant."""

    def __init__(self, condition):
        self._condition = condition

    def forward(self, inputs):
        x, y = inputs
        return utils._xp(x).where(self._condition, x, y),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        zeros = utils._xp(gy.array).zeros_like(gy.array)
        grads = []
        if 0 in indexes:
            grads.append(Where(self._condition).apply((gy, zeros))[0])
        if 1 in indexes:
            grads.append(Where(self._condition).apply((zeros, gy))[0])
        return tuple(grads)


def where(condition, x, y):
    """``x`` where ``condition`` is True, ``y`` elsewhere; the three broadcast together.

    Args:
        condition: a boolean array (or a Variable holding one); gets no gradient.
        x, y: Variables or arrays of one dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.where import where
        >>> cond = np.array([True, False, True])
        >>> where(cond, np.zeros(3, np.float32), np.ones(3, np.float32)).array
        array([0., 1., 0.], dtype=float32)
    """
    from kusari.functions.array.broadcast import broadcast_to

    if isinstance(condition, Variable):
        condition = condition.array
    for name, value in (("condition", condition), ("x", x), ("y", y)):
        if not hasattr(value, "dtype") or not hasattr(value, "shape"):
            type_check.fail("where", name, "a Variable or array", type(value).__name__)
    if condition.dtype.kind != "b":
        type_check.fail("where", "condition", "a bool dtype", str(condition.dtype))
    type_check.expect_same_dtype("where", "y", y, "x", x)
    shapes = (tuple(condition.shape), tuple(x.shape), tuple(y.shape))
    try:
        shape = numpy.broadcast_shapes(*shapes)
    except ValueError:
        type_check.fail("where", "condition, x, y", "shapes that broadcast together",
                        ", ".join(map(str, shapes)))
    condition = utils._xp(condition).broadcast_to(condition, shape)
    z, = Where(condition).apply((broadcast_to(x, shape), broadcast_to(y, shape)))
    return z
