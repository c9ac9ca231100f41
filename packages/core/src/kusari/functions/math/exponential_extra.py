"""``expm1`` (``exp(x) - 1``) and ``log1p`` (``log(1 + x)``), accurate near zero."""
from __future__ import annotations

from kusari.functions.math._unary import _Unary, _unary


class Expm1(_Unary):
    _ufunc = "expm1"
    _retain_output = True

    def backward(self, indexes, grad_outputs):
        # d expm1 = exp(x) = y + 1
        y, = self.get_retained_outputs()
        return grad_outputs[0] * (y + 1.0),


class Log1p(_Unary):
    _ufunc = "log1p"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] / (x + 1.0),


def expm1(x):
    """Elementwise ``exp(x) - 1``, without the cancellation of the plain formula near 0.

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.exponential_extra import expm1
        >>> expm1(np.array([0, 1e-10], np.float32)).array
        array([0.e+00, 1.e-10], dtype=float32)
    """
    return _unary(Expm1, "expm1", x)


def log1p(x):
    """Elementwise ``log(1 + x)``, accurate for tiny ``x``; defined for ``x > -1``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.exponential_extra import log1p
        >>> log1p(np.array([0, 1e-10], np.float32)).array
        array([0.e+00, 1.e-10], dtype=float32)
    """
    return _unary(Log1p, "log1p", x)
