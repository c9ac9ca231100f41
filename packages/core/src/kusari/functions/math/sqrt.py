"""``sqrt`` and ``rsqrt`` (``1 / sqrt(x)``), elementwise."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math._unary import _Unary, _unary


class Sqrt(_Unary):
    _ufunc = "sqrt"
    _retain_output = True

    def backward(self, indexes, grad_outputs):
        # d sqrt(x) = 1 / (2 sqrt(x)): reuse the output instead of x.
        y, = self.get_retained_outputs()
        return grad_outputs[0] / (y * 2.0),


class Rsqrt(FunctionNode):
    @property
    def label(self):
        return "rsqrt"

    def forward(self, inputs):
        x, = inputs
        self.retain_outputs((0,))
        xp = utils._xp(x)
        return utils.force_array(xp.reciprocal(xp.sqrt(x))),

    def backward(self, indexes, grad_outputs):
        # d x^(-1/2) = -x^(-3/2) / 2 = -y^3 / 2
        y, = self.get_retained_outputs()
        return grad_outputs[0] * (y * y * y) * -0.5,


def sqrt(x):
    """Elementwise square root.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.sqrt(np.array([4, 9], np.float32)).array
        array([2., 3.], dtype=float32)
    """
    return _unary(Sqrt, "sqrt", x)


def rsqrt(x):
    """Elementwise reciprocal square root ``1 / sqrt(x)``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.rsqrt(np.array([4, 0.25], np.float32)).array
        array([0.5, 2. ], dtype=float32)
    """
    return _unary(Rsqrt, "rsqrt", x)
