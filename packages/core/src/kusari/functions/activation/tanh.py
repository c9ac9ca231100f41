"""``tanh``: the hyperbolic tangent."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.activation._output_grad import OutputGrad
from kusari.utils import type_check


class Tanh(FunctionNode):
    def forward(self, inputs):
        x, = inputs
        self.retain_outputs((0,))
        return utils.force_array(utils._xp(x).tanh(x), x.dtype),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return TanhGrad().apply((y, grad_outputs[0]))


class TanhGrad(OutputGrad):
    """``gx = gy * (1 - y^2)`` from the tanh output ``y``."""

    def grad(self, y, gy):
        return gy * (1 - y * y)

    def grad_wrt_y(self, y, gy, ggx):
        return ggx * gy * y * -2


def tanh(x):
    """Elementwise hyperbolic tangent.

    Backward uses only the output (``1 - y^2``); twice differentiable.

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.tanh(np.array([-1.0, 0.0, 1.0], np.float32)).array
        array([-0.7615942,  0.       ,  0.7615942], dtype=float32)
    """
    type_check.expect_float("tanh", "x", x)
    y, = Tanh().apply((x,))
    return y
