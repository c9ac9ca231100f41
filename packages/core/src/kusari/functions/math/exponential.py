"""``exp``, ``log``, ``log2``, ``log10`` (elementwise)."""
from __future__ import annotations

import math

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Exp(FunctionNode):
    @property
    def label(self):
        return "exp"

    def forward(self, inputs):
        x, = inputs
        self.retain_outputs((0,))
        return utils.force_array(utils._xp(x).exp(x)),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return grad_outputs[0] * y,


class _Log(FunctionNode):
    _ufunc = "log"
    _scale = 1.0  # d/dx log_b(x) = 1 / (x ln b)

    @property
    def label(self):
        return self._ufunc

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        return utils.force_array(getattr(utils._xp(x), self._ufunc)(x)),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        gx = grad_outputs[0] / x
        # A Python float is a weak scalar: float32 stays float32.
        return gx if self._scale == 1.0 else gx * self._scale,


class Log(_Log):
    pass


class Log2(_Log):
    _ufunc = "log2"
    _scale = 1.0 / math.log(2.0)


class Log10(_Log):
    _ufunc = "log10"
    _scale = 1.0 / math.log(10.0)


def exp(x):
    """Elementwise exponential ``e ** x``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.exp(np.array([0, 1], np.float32)).array.round(4)
        array([1.    , 2.7183], dtype=float32)
    """
    type_check.expect_float("exp", "x", x)
    y, = Exp().apply((x,))
    return y


def log(x):
    """Elementwise natural logarithm.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.log(np.array([1, np.e], np.float32)).array
        array([0., 1.], dtype=float32)
    """
    type_check.expect_float("log", "x", x)
    y, = Log().apply((x,))
    return y


def log2(x):
    """Elementwise base-2 logarithm.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.log2(np.array([1, 8], np.float32)).array
        array([0., 3.], dtype=float32)
    """
    type_check.expect_float("log2", "x", x)
    y, = Log2().apply((x,))
    return y


def log10(x):
    """Elementwise base-10 logarithm.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.log10(np.array([1, 100], np.float32)).array
        array([0., 2.], dtype=float32)
    """
    type_check.expect_float("log10", "x", x)
    y, = Log10().apply((x,))
    return y
