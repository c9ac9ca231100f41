"""``hard_sigmoid``: the piecewise-linear sigmoid ``clip(0.2 x + 0.5, 0, 1)``."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.activation.leaky_relu import SlopeGrad
from kusari.utils import type_check


class HardSigmoid(FunctionNode):
    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        y = x * x.dtype.type(0.2)
        y += x.dtype.type(0.5)
        # Slope 0.2 strictly inside (-2.5, 2.5), where the clip is inactive.
        self.derivative = ((y > 0) & (y < 1)).astype(x.dtype) * x.dtype.type(0.2)
        return utils.force_array(xp.clip(y, 0, 1), x.dtype),

    def backward(self, indexes, grad_outputs):
        return SlopeGrad(self.derivative).apply(grad_outputs)


def hard_sigmoid(x):
    """Hard sigmoid: ``clip(0.2 * x + 0.5, 0, 1)`` elementwise (Chainer's definition).

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.hard_sigmoid import hard_sigmoid
        >>> hard_sigmoid(np.array([-3.0, 0.0, 1.0, 3.0], np.float32)).array
        array([0. , 0.5, 0.7, 1. ], dtype=float32)
    """
    type_check.expect_float("hard_sigmoid", "x", x)
    y, = HardSigmoid().apply((x,))
    return y
