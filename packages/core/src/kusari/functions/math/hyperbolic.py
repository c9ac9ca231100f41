"""Hyperbolic functions: ``sinh``, ``cosh``, ``arctanh`` (``tanh`` lives in functions.activation)."""
from __future__ import annotations

from kusari.functions.math._unary import _Unary, _unary


class Sinh(_Unary):
    _ufunc = "sinh"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * cosh(x),


class Cosh(_Unary):
    _ufunc = "cosh"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * sinh(x),


class Arctanh(_Unary):
    _ufunc = "arctanh"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] / (1.0 - x * x),


def sinh(x):
    """Elementwise hyperbolic sine.

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.hyperbolic import sinh
        >>> sinh(np.array([0, 1], np.float32)).array
        array([0.       , 1.1752012], dtype=float32)
    """
    return _unary(Sinh, "sinh", x)


def cosh(x):
    """Elementwise hyperbolic cosine.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.hyperbolic import cosh
        >>> cosh(np.array([0, 1], np.float32)).array
        array([1.       , 1.5430806], dtype=float32)
    """
    return _unary(Cosh, "cosh", x)


def arctanh(x):
    """Elementwise inverse hyperbolic tangent, defined on ``(-1, 1)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.hyperbolic import arctanh
        >>> arctanh(np.array([0, 0.5], np.float32)).array
        array([0.        , 0.54930615], dtype=float32)
    """
    return _unary(Arctanh, "arctanh", x)
