"""``squared_difference``: elementwise ``(x1 - x2) ** 2``."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math._elementwise_checks import expect_float_pair


class SquaredDifference(FunctionNode):
    @property
    def label(self):
        return "squared_difference"

    def forward(self, inputs):
        x1, x2 = inputs
        self.retain_inputs((0, 1))
        diff = x1 - x2
        diff *= diff  # in place: diff is our own temporary
        return utils.force_array(diff, x1.dtype),

    def backward(self, indexes, grad_outputs):
        x1, x2 = self.get_retained_inputs()
        g = grad_outputs[0] * (x1 - x2) * 2.0
        return tuple(g if i == 0 else -g for i in indexes)


def squared_difference(x1, x2):
    """Elementwise squared difference ``(x1 - x2) ** 2``.

    As in Chainer, the inputs must have one shape (no broadcasting) and one
    float dtype.

    Args:
        x1: a float Variable or array.
        x2: a Variable or array of ``x1``'s shape and dtype.

    Returns:
        Variable of that shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.squared_difference import squared_difference
        >>> squared_difference(np.array([1, 5], np.float32), np.array([3, 2], np.float32)).array
        array([4., 9.], dtype=float32)
    """
    expect_float_pair("squared_difference", "x1", x1, "x2", x2, broadcast=False)
    y, = SquaredDifference().apply((x1, x2))
    return y
