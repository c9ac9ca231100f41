"""``reshape``."""
from __future__ import annotations

from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Reshape(FunctionNode):
    def __init__(self, shape):
        self._shape = shape

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        return x.reshape(self._shape),

    def backward(self, indexes, grad_outputs):
        return reshape(grad_outputs[0], self._in_shape),


def reshape(x, shape):
    """Reshape ``x`` without copying (one dimension may be -1).

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.reshape(np.arange(6, dtype=np.float32), (2, -1)).shape
        (2, 3)
    """
    if isinstance(shape, int):
        shape = (shape,)
    shape = tuple(shape)
    if x.shape == shape:
        from kusari.variable import as_variable

        return as_variable(x)
    size = 1
    unknown = 0
    for s in shape:
        if s == -1:
            unknown += 1
        else:
            size *= s
    n = x.size
    if unknown > 1:
        type_check.fail("reshape", "shape", "at most one -1", str(shape))
    if (unknown == 0 and size != n) or (unknown == 1 and (size == 0 or n % size)):
        type_check.fail("reshape", "x", f"{size if not unknown else 'a multiple of ' + str(size)} "
                        f"elements to fit shape {shape}", f"{n} elements (shape {tuple(x.shape)})")
    y, = Reshape(shape).apply((x,))
    return y
