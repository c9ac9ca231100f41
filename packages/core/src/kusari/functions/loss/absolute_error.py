"""``absolute_error``: the elementwise ``|x0 - x1|``."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.loss._elementwise import check_matching_pair

_FN = "absolute_error"


class AbsoluteError(FunctionNode):
    def forward(self, inputs):
        x0, x1 = inputs
        xp = utils._xp(x0)
        diff = utils.force_array(x0 - x1)  # 0-d inputs give a NumPy scalar
        # Only the sign is needed for backward; keep it instead of both inputs.
        self._sign = xp.sign(diff)
        return utils.force_array(xp.abs(diff, out=diff), x0.dtype),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        # sign(x0 - x1) is piecewise constant: the second derivative is 0,
        # which multiplying the (differentiable) gy by a constant gives.
        gx0 = gy * self._sign
        return tuple([gx0 if i == 0 else -gx0 for i in indexes])


def absolute_error(x0, x1):
    """Elementwise absolute error ``|x0 - x1|`` (no reduction).

    The gradient is ``sign(x0 - x1)`` (0 where they are equal).

    Args:
        x0, x1: float Variables or arrays of the same shape and dtype.

    Returns:
        Variable of the inputs' shape and dtype.

    Raises:
        InvalidType: non-float ``x0``, or ``x1`` of another dtype or shape.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.absolute_error import absolute_error
        >>> absolute_error(np.array([1.0, 2.0, -4.0], np.float32), np.array([1.0, 1.0, 1.0], np.float32)).array
        array([0., 1., 5.], dtype=float32)
    """
    check_matching_pair(_FN, "x0", x0, "x1", x1)
    y, = AbsoluteError().apply((x0, x1))
    return y
