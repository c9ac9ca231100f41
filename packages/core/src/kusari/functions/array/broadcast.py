"""``broadcast_to`` and ``sum_to``: each is the other's gradient."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class BroadcastTo(FunctionNode):
    def __init__(self, shape):
        self._shape = tuple(shape)

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        xp = utils._xp(x)
        # A read-only view: no copy.  Backprop copies before handing a leaf
        # gradient out, so in-place optimizer updates never see it.
        return xp.broadcast_to(x, self._shape),

    def backward(self, indexes, grad_outputs):
        return sum_to(grad_outputs[0], self._in_shape),


class SumTo(FunctionNode):
    def __init__(self, shape):
        self._shape = tuple(shape)

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        return utils.sum_to(x, self._shape),

    def backward(self, indexes, grad_outputs):
        return broadcast_to(grad_outputs[0], self._in_shape),


def _broadcastable(shape_from, shape_to) -> bool:
    return len(shape_from) <= len(shape_to) and all(
        a == b or a == 1 for a, b in zip(shape_from[::-1], shape_to[::-1]))


def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.broadcast_to(np.array([1, 2], np.float32), (2, 2)).array
        array([[1., 2.],
               [1., 2.]], dtype=float32)
    """
    shape = tuple(shape)
    if x.shape == shape:
        from kusari.variable import as_variable

        return as_variable(x)
    if not _broadcastable(x.shape, shape):
        type_check.fail("broadcast_to", "x", f"a shape broadcastable to {shape}", str(tuple(x.shape)))
    y, = BroadcastTo(shape).apply((x,))
    return y


def sum_to(x, shape):
    """Sum ``x`` over broadcast axes so that it has ``shape``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.sum_to(np.ones((2, 3), np.float32), (1, 3)).array
        array([[2., 2., 2.]], dtype=float32)
    """
    shape = tuple(shape)
    if x.shape == shape:
        from kusari.variable import as_variable

        return as_variable(x)
    if not _broadcastable(shape, x.shape):
        type_check.fail("sum_to", "shape", f"a shape that broadcasts to x's shape {tuple(x.shape)}",
                        str(shape))
    y, = SumTo(shape).apply((x,))
    return y
