"""``square`` (elementwise ``x * x``)."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Square(FunctionNode):
    @property
    def label(self):
        return "square"

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        return utils.force_array(x * x),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * (x * 2.0),


def square(x):
    """Elementwise square.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.square(np.array([-2, 3], np.float32)).array
        array([4., 9.], dtype=float32)
    """
    type_check.expect_float("square", "x", x)
    y, = Square().apply((x,))
    return y
