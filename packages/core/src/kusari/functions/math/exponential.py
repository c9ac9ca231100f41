"""``exp``, ``log``, ``log2``, ``log10`` (elementwise)."""
from __future__ import annotations

import math

from kusari.functions.math._unary import _Unary, _unary


class Exp(_Unary):
    _ufunc = "exp"
    _retain_output = True  # d exp = exp: reuse the output

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return grad_outputs[0] * y,


class _Log(_Unary):
    _ufunc = "log"
    _scale = 1.0  # d/dx log_b(x) = 1 / (x ln b)

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
    return _unary(Exp, "exp", x)


def log(x):
    """Elementwise natural logarithm.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.log(np.array([1, np.e], np.float32)).array
        array([0., 1.], dtype=float32)
    """
    return _unary(Log, "log", x)


def log2(x):
    """Elementwise base-2 logarithm.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.log2(np.array([1, 8], np.float32)).array
        array([0., 3.], dtype=float32)
    """
    return _unary(Log2, "log2", x)


def log10(x):
    """Elementwise base-10 logarithm.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.log10(np.array([1, 100], np.float32)).array
        array([0., 2.], dtype=float32)
    """
    return _unary(Log10, "log10", x)
