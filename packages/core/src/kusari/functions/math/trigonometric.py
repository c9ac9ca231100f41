"""Trigonometric functions: ``sin``, ``cos``, ``tan``, ``arcsin``, ``arccos``, ``arctan``, ``arctan2``.

Every backward is written with differentiable kusari operations, so all of
these are differentiable to any order.
"""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math._elementwise_checks import expect_float_pair
from kusari.functions.math._unary import _Unary, _unary
from kusari.functions.math.basic_math import _sum_to_shape
from kusari.functions.math.sqrt import rsqrt


class Sin(_Unary):
    _ufunc = "sin"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * cos(x),


class Cos(_Unary):
    _ufunc = "cos"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * -sin(x),


class Tan(_Unary):
    _ufunc = "tan"
    _retain_output = True

    def backward(self, indexes, grad_outputs):
        # d tan = 1 + tan^2: reuse the output, no second cos evaluation.
        y, = self.get_retained_outputs()
        return grad_outputs[0] * (y * y + 1.0),


class Arcsin(_Unary):
    _ufunc = "arcsin"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * rsqrt(1.0 - x * x),


class Arccos(_Unary):
    _ufunc = "arccos"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * -rsqrt(1.0 - x * x),


class Arctan(_Unary):
    _ufunc = "arctan"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] / (x * x + 1.0),


class Arctan2(FunctionNode):
    """``arctan2(x1, x2)``; the inputs broadcast, gradients are summed back."""

    @property
    def label(self):
        return "arctan2"

    def forward(self, inputs):
        x1, x2 = inputs
        self.retain_inputs((0, 1))
        return utils.force_array(utils._xp(x1, x2).arctan2(x1, x2), x1.dtype),

    def backward(self, indexes, grad_outputs):
        x1, x2 = self.get_retained_inputs()
        g = grad_outputs[0] / (x1 * x1 + x2 * x2)
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(_sum_to_shape(g * x2, x1.shape))
            else:
                ret.append(_sum_to_shape(g * -x1, x2.shape))
        return tuple(ret)


def sin(x):
    """Elementwise sine.

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.trigonometric import sin
        >>> sin(np.array([0, np.pi / 2], np.float32)).array
        array([0., 1.], dtype=float32)
    """
    return _unary(Sin, "sin", x)


def cos(x):
    """Elementwise cosine.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.trigonometric import cos
        >>> cos(np.array([0, np.pi], np.float32)).array
        array([ 1., -1.], dtype=float32)
    """
    return _unary(Cos, "cos", x)


def tan(x):
    """Elementwise tangent.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.trigonometric import tan
        >>> tan(np.array([0, np.pi / 4], np.float32)).array
        array([0., 1.], dtype=float32)
    """
    return _unary(Tan, "tan", x)


def arcsin(x):
    """Elementwise inverse sine; defined on ``[-1, 1]``, its gradient on ``(-1, 1)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.trigonometric import arcsin
        >>> arcsin(np.array([0, 1], np.float32)).array
        array([0.       , 1.5707964], dtype=float32)
    """
    return _unary(Arcsin, "arcsin", x)


def arccos(x):
    """Elementwise inverse cosine; defined on ``[-1, 1]``, its gradient on ``(-1, 1)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.trigonometric import arccos
        >>> arccos(np.array([1, 0], np.float32)).array
        array([0.       , 1.5707964], dtype=float32)
    """
    return _unary(Arccos, "arccos", x)


def arctan(x):
    """Elementwise inverse tangent.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.trigonometric import arctan
        >>> arctan(np.array([0, 1], np.float32)).array
        array([0.       , 0.7853982], dtype=float32)
    """
    return _unary(Arctan, "arctan", x)


def arctan2(x1, x2):
    """Elementwise angle of the point ``(x2, x1)``: ``arctan(x1 / x2)`` in the right quadrant.

    ``x1`` and ``x2`` must share a float dtype; they broadcast like NumPy and
    each gradient is summed back to its input's shape.

    Args:
        x1: the y coordinates (Variable or array).
        x2: the x coordinates (Variable or array).

    Returns:
        Variable of the broadcast shape, in ``[-pi, pi]``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.trigonometric import arctan2
        >>> arctan2(np.array([1, 1], np.float32), np.array([1, -1], np.float32)).array
        array([0.7853982, 2.3561945], dtype=float32)
    """
    expect_float_pair("arctan2", "x1", x1, "x2", x2)
    y, = Arctan2().apply((x1, x2))
    return y
