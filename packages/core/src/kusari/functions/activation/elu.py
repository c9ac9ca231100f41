"""``elu``: ``x`` where ``x > 0``, ``alpha * (exp(x) - 1)`` elsewhere."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math.exponential import exp
from kusari.utils import type_check


class ELU(FunctionNode):
    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, inputs):
        self.retain_inputs((0,))
        x, = inputs
        xp = utils._xp(x)
        # expm1 of min(x, 0) only: exp of a large positive x would overflow
        # in the branch that where() throws away.
        neg = xp.expm1(xp.minimum(x, 0))
        neg *= x.dtype.type(self.alpha)
        return utils.force_array(xp.where(x > 0, x, neg), x.dtype),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        gy, = grad_outputs
        # dy/dx = 1 for x > 0, alpha * exp(x) elsewhere (x == 0 included, as
        # in Chainer).  Built from differentiable functions so the second
        # derivative (alpha * exp(x) on the negative side) comes for free;
        # x * not_pos is 0 on the positive side, so exp never overflows.
        pos = (x.array > 0).astype(x.dtype)
        not_pos = 1 - pos
        return gy * (pos + exp(x * not_pos) * (not_pos * x.dtype.type(self.alpha))),


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Twice differentiable (away from 0 when ``alpha != 1``).

    Args:
        x: a float Variable or array.
        alpha: the scale of the negative part.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.elu import elu
        >>> elu(np.array([-1.0, 0.0, 2.0], np.float32)).array
        array([-0.63212055,  0.        ,  2.        ], dtype=float32)
    """
    type_check.expect_float("elu", "x", x)
    y, = ELU(float(alpha)).apply((x,))
    return y
