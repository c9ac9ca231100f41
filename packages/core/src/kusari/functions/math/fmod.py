"""``fmod``: the elementwise remainder of a division, with the sign of the dividend."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math._elementwise_checks import expect_float_pair
from kusari.functions.math.basic_math import _sum_to_shape


class Fmod(FunctionNode):
    @property
    def label(self):
        return "fmod"

    def forward(self, inputs):
        x, divisor = inputs
        self.retain_inputs((0, 1))
        return utils.force_array(utils._xp(x, divisor).fmod(x, divisor), x.dtype),

    def backward(self, indexes, grad_outputs):
        x, divisor = self.get_retained_inputs()
        gy, = grad_outputs
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(_sum_to_shape(gy, x.shape))
            else:
                # fmod(x, d) = x - d * trunc(x / d); the quotient is piecewise
                # constant, so it is a constant factor here.
                xp = utils._xp(x.array)
                quotient = xp.fix(x.array / divisor.array).astype(gy.dtype, copy=False)
                ret.append(_sum_to_shape(gy * -quotient, divisor.shape))
        return tuple(ret)


def fmod(x, divisor):
    """Elementwise remainder of ``x / divisor``, with the sign of ``x`` (C's ``fmod``).

    The inputs broadcast like NumPy.  The gradient is 1 for ``x`` and
    ``-trunc(x / divisor)`` for ``divisor``; it jumps where ``x / divisor``
    is an integer.

    Args:
        x: the dividend, a float Variable or array.
        divisor: a Variable or array of ``x``'s dtype.

    Returns:
        Variable of the broadcast shape.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.fmod import fmod
        >>> fmod(np.array([5.5, -5.5], np.float32), np.array([2, 2], np.float32)).array
        array([ 1.5, -1.5], dtype=float32)
    """
    expect_float_pair("fmod", "x", x, "divisor", divisor)
    y, = Fmod().apply((x, divisor))
    return y
