"""``mean_squared_error``: the mean of ``(x0 - x1) ** 2`` over all elements."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.loss._elementwise import check_matching_pair

_FN = "mean_squared_error"


class MeanSquaredError(FunctionNode):
    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x0, x1 = inputs
        diff = (x0 - x1).reshape(-1)
        # dot() sums the squares in one BLAS call without another temporary.
        return utils.force_array(diff.dot(diff) / diff.size, x0.dtype),

    def backward(self, indexes, grad_outputs):
        x0, x1 = self.get_retained_inputs()
        gy, = grad_outputs
        # Built from differentiable functions, so double backprop works.
        gx0 = (x0 - x1) * (gy * (2.0 / x0.size))
        return tuple([gx0 if i == 0 else -gx0 for i in indexes])


def mean_squared_error(x0, x1):
    """Mean squared error: ``sum((x0 - x1) ** 2) / x0.size``.

    Both inputs are differentiable; the result is twice differentiable.

    Args:
        x0, x1: float Variables or arrays of the same shape and dtype.

    Returns:
        0-d Variable of the inputs' dtype.

    Example:
        >>> import numpy as np
        >>> import kusari, kusari.functions as F
        >>> x0 = kusari.Variable(np.array([1.0, 2.0, 4.0], np.float32))
        >>> loss = F.mean_squared_error(x0, np.array([1.0, 1.0, 1.0], np.float32))
        >>> loss.array
        array(3.3333333, dtype=float32)
        >>> loss.backward()
        >>> x0.grad
        array([0.       , 0.6666667, 2.       ], dtype=float32)
    """
    check_matching_pair(_FN, "x0", x0, "x1", x1)
    y, = MeanSquaredError().apply((x0, x1))
    return y
