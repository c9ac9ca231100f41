"""``tanh``: the hyperbolic tangent."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Tanh(FunctionNode):
    def forward(self, inputs):
        x, = inputs
        self.retain_outputs((0,))
        return utils.force_array(utils._xp(x).tanh(x), x.dtype),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return TanhGrad().apply((y, grad_outputs[0]))


class TanhGrad(FunctionNode):
    """``gx = gy * (1 - y^2)`` from the tanh output ``y``."""

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        y, gy = inputs
        return utils.force_array(gy * (1 - y * y), y.dtype),

    def backward(self, indexes, grad_outputs):
        y, gy = self.get_retained_inputs()
        ggx, = grad_outputs
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(ggx * gy * y * -2)
            else:
                # linear in gy: the same map applied to ggx
                ret.append(TanhGrad().apply((y, ggx))[0])
        return tuple(ret)


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
