"""``sigmoid``: the logistic function ``1 / (1 + exp(-x))``."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.activation._output_grad import OutputGrad
from kusari.utils import type_check


class Sigmoid(FunctionNode):
    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        # 0.5 * tanh(x / 2) + 0.5 is the same function and never overflows
        # (exp(-x) does for x < -88 in float32).
        y = xp.tanh(x * 0.5)
        y *= 0.5
        y += 0.5
        self.retain_outputs((0,))
        return utils.force_array(y, x.dtype),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return SigmoidGrad().apply((y, grad_outputs[0]))


class SigmoidGrad(OutputGrad):
    """``gx = gy * y * (1 - y)`` from the sigmoid output ``y``."""

    def grad(self, y, gy):
        return gy * y * (1 - y)

    def grad_wrt_y(self, y, gy, ggx):
        return ggx * gy * (1 - 2 * y)


def sigmoid(x):
    """Elementwise logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow.

    Backward uses only the output (``y * (1 - y)``); twice differentiable.

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.sigmoid(np.array([-100.0, 0.0, 2.0], np.float32)).array
        array([0.       , 0.5      , 0.8807971], dtype=float32)
    """
    type_check.expect_float("sigmoid", "x", x)
    y, = Sigmoid().apply((x,))
    return y
