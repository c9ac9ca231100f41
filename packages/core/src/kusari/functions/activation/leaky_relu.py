"""``leaky_relu``: ``x`` where ``x > 0``, ``slope * x`` elsewhere."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class SlopeGrad(FunctionNode):
    """``gx = gy * slope`` for a constant array ``slope`` (the local derivative).

    Shared by the piecewise-linear activations (leaky_relu, clipped_relu,
    relu6, hard_sigmoid): their derivative is constant between kinks, so the
    second derivative is 0 and this node is its own backward.
    """

    def __init__(self, slope):
        self.slope = slope

    def forward(self, inputs):
        gy, = inputs
        return utils.force_array(gy * self.slope, gy.dtype),

    def backward(self, indexes, grad_outputs):
        return SlopeGrad(self.slope).apply(grad_outputs)


class LeakyReLU(FunctionNode):
    def __init__(self, slope):
        self.slope = slope

    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        # The derivative is 1 only where x > 0 (x == 0 gets the slope, as in
        # Chainer); y = x * derivative then costs one multiply.
        self.derivative = xp.where(x > 0, x.dtype.type(1), x.dtype.type(self.slope))
        return utils.force_array(x * self.derivative, x.dtype),

    def backward(self, indexes, grad_outputs):
        return SlopeGrad(self.derivative).apply(grad_outputs)


def leaky_relu(x, slope=0.2):
    """Leaky rectified linear unit: ``x`` if ``x > 0`` else ``slope * x``.

    Chainer's default slope is 0.2 (PyTorch's is 0.01).

    Args:
        x: a float Variable or array.
        slope: the factor applied to non-positive inputs.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.leaky_relu import leaky_relu
        >>> leaky_relu(np.array([-1.0, 0.0, 2.0], np.float32)).array
        array([-0.2,  0. ,  2. ], dtype=float32)
    """
    type_check.expect_float("leaky_relu", "x", x)
    y, = LeakyReLU(float(slope)).apply((x,))
    return y
