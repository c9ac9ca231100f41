"""``squared_error``: the elementwise ``(x0 - x1) ** 2``."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.loss._elementwise import check_matching_pair

_FN = "squared_error"


class SquaredError(FunctionNode):
    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x0, x1 = inputs
        diff = x0 - x1
        diff *= diff  # in place: one temporary only
        return utils.force_array(diff, x0.dtype),

    def backward(self, indexes, grad_outputs):
        x0, x1 = self.get_retained_inputs()
        gy, = grad_outputs
        # Built from differentiable functions, so double backprop works.
        gx0 = 2.0 * gy * (x0 - x1)
        return tuple([gx0 if i == 0 else -gx0 for i in indexes])


def squared_error(x0, x1):
    """Elementwise squared error ``(x0 - x1) ** 2`` (no reduction).

    Both inputs are differentiable; the result is twice differentiable.

    Args:
        x0, x1: float Variables or arrays of the same shape and dtype.

    Returns:
        Variable of the inputs' shape and dtype.

    Raises:
        InvalidType: non-float ``x0``, or ``x1`` of another dtype or shape.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.squared_error import squared_error
        >>> squared_error(np.array([1.0, 2.0, 4.0], np.float32), np.array([1.0, 1.0, 1.0], np.float32)).array
        array([0., 1., 9.], dtype=float32)
    """
    check_matching_pair(_FN, "x0", x0, "x1", x1)
    y, = SquaredError().apply((x0, x1))
    return y
