"""``clipped_relu``: ``min(max(x, 0), z)``."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.activation.leaky_relu import SlopeGrad
from kusari.utils import type_check


class ClippedReLU(FunctionNode):
    def __init__(self, z):
        self.z = z

    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        # Derivative 1 strictly inside (0, z), 0 at and beyond both ends (Chainer).
        self.derivative = ((x > 0) & (x < self.z)).astype(x.dtype)
        return utils.force_array(xp.clip(x, 0, self.z), x.dtype),

    def backward(self, indexes, grad_outputs):
        return SlopeGrad(self.derivative).apply(grad_outputs)


def _clipped(func, x, z):
    type_check.expect_float(func, "x", x)
    y, = ClippedReLU(z).apply((x,))
    return y


def clipped_relu(x, z=20.0):
    """Clipped rectifier: ``min(max(x, 0), z)`` elementwise.

    Args:
        x: a float Variable or array.
        z: the positive upper bound.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.clipped_relu import clipped_relu
        >>> clipped_relu(np.array([-1.0, 5.0, 30.0], np.float32)).array
        array([ 0.,  5., 20.], dtype=float32)
    """
    if not z > 0:
        type_check.fail("clipped_relu", "z", "a positive number", repr(z))
    return _clipped("clipped_relu", x, float(z))
