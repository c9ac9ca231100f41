"""``softplus``: ``log(1 + exp(beta * x)) / beta``, computed without overflow."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.activation.sigmoid import sigmoid
from kusari.utils import type_check


class Softplus(FunctionNode):
    def __init__(self, beta):
        self.beta = beta

    def forward(self, inputs):
        self.retain_inputs((0,))
        x, = inputs
        xp = utils._xp(x)
        bx = x * x.dtype.type(self.beta)
        # log(1 + e^t) = max(t, 0) + log1p(e^-|t|): e^-|t| <= 1 never overflows.
        y = xp.log1p(xp.exp(-xp.abs(bx)))
        y += xp.maximum(bx, 0)
        y *= x.dtype.type(1 / self.beta)
        return utils.force_array(y, x.dtype),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        # d/dx = sigmoid(beta * x); sigmoid is differentiable, so is this.
        return grad_outputs[0] * sigmoid(x * x.dtype.type(self.beta)),


def softplus(x, beta=1.0):
    """Softplus: ``log(1 + exp(beta * x)) / beta``, a smooth relu.

    Stable for any finite input; the gradient is ``sigmoid(beta * x)``.

    Args:
        x: a float Variable or array.
        beta: the sharpness (nonzero); large ``beta`` approaches relu.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.softplus import softplus
        >>> softplus(np.array([-1000.0, 0.0, 1000.0], np.float32)).array
        array([0.000000e+00, 6.931472e-01, 1.000000e+03], dtype=float32)
    """
    type_check.expect_float("softplus", "x", x)
    if beta == 0:
        type_check.fail("softplus", "beta", "a nonzero number", repr(beta))
    y, = Softplus(float(beta)).apply((x,))
    return y
