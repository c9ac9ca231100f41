"""``mean_absolute_error``: the mean of ``|x0 - x1|`` over all elements."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.loss._elementwise import check_matching_pair

_FN = "mean_absolute_error"


class MeanAbsoluteError(FunctionNode):
    def forward(self, inputs):
        x0, x1 = inputs
        xp = utils._xp(x0)
        diff = utils.force_array(x0 - x1)  # 0-d inputs give a NumPy scalar
        # Only the sign is needed for backward; keep it instead of both inputs.
        self._sign = xp.sign(diff)
        total = xp.abs(diff, out=diff).sum()
        return utils.force_array(total / max(diff.size, 1), x0.dtype),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        # A constant times the (differentiable) gy: the second derivative is 0.
        gx0 = gy * (self._sign * self._sign.dtype.type(1.0 / max(self._sign.size, 1)))
        return tuple([gx0 if i == 0 else -gx0 for i in indexes])


def mean_absolute_error(x0, x1):
    """Mean absolute error: ``sum(|x0 - x1|) / x0.size``.

    The gradient is ``sign(x0 - x1) / x0.size`` (0 where they are equal).

    Args:
        x0, x1: float Variables or arrays of the same shape and dtype.

    Returns:
        0-d Variable of the inputs' dtype.

    Raises:
        InvalidType: non-float ``x0``, or ``x1`` of another dtype or shape.

    Example:
        >>> import numpy as np
        >>> import kusari
        >>> from kusari.functions.loss.mean_absolute_error import mean_absolute_error
        >>> x0 = kusari.Variable(np.array([1.0, 2.0, -4.0], np.float32))
        >>> loss = mean_absolute_error(x0, np.array([1.0, 1.0, 1.0], np.float32))
        >>> loss.array
        array(2., dtype=float32)
        >>> loss.backward()
        >>> x0.grad
        array([ 0.        ,  0.33333334, -0.33333334], dtype=float32)
    """
    check_matching_pair(_FN, "x0", x0, "x1", x1)
    y, = MeanAbsoluteError().apply((x0, x1))
    return y
