"""Arithmetic: ``add``, ``sub``, ``mul``, ``div``, ``pow``, ``neg``, ``absolute``.

These are also the ``Variable`` operators (installed by :func:`install_variable_arithmetics`).
Two Variables must share a dtype; they broadcast like NumPy and the gradient
is summed back to each input's shape.  A Python or NumPy scalar constant is
cast to the Variable's dtype, so float32 math stays float32.
"""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.array.broadcast import sum_to
from kusari.utils import type_check
from kusari.variable import Variable

_ndarray = numpy.ndarray
_from_array = Variable._from_array


_SCALARS = (int, float)


def _is_const(value) -> bool:
    if type(value) in _SCALARS:
        return True
    if isinstance(value, Variable) or type(value) is _ndarray:
        return False
    return not hasattr(value, "shape") or isinstance(value, numpy.generic)


def _const(x, value, func: str):
    """Cast a scalar constant to ``x``'s dtype (NEP 50 would promote a NumPy float64)."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, numpy.generic):
        return value.astype(x.dtype) if x.dtype.kind in "fc" else value
    if isinstance(value, bool):
        return value
    raise TypeError(f"{func}: expected a Variable, an array or a scalar, got {type(value).__name__}")


def _pair(lhs, rhs, func: str):
    """Check two array operands of a binary op."""
    a = lhs._data if isinstance(lhs, Variable) else lhs
    b = rhs._data if isinstance(rhs, Variable) else rhs
    if a.dtype != b.dtype:
        type_check.fail(func, "rhs", f"dtype {a.dtype} (the dtype of 'lhs')", str(b.dtype))
    return a, b


def _sum_to_shape(g, shape):
    return g if g.shape == shape else sum_to(g, shape)


# ---- add -------------------------------------------------------------------
class Add(FunctionNode):
    def forward(self, inputs):
        a, b = inputs
        self._shapes = (a.shape, b.shape)
        return a + b,

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        shapes = self._shapes
        return tuple([_sum_to_shape(gy, shapes[i]) for i in indexes])


class AddConstant(FunctionNode):
    def __init__(self, value):
        self.value = value

    @property
    def label(self):
        return f"_ + {self.value}"

    def forward(self, inputs):
        return utils.force_array(inputs[0] + self.value),

    def backward(self, indexes, grad_outputs):
        return grad_outputs[0],


def add(lhs, rhs):
    """Elementwise ``lhs + rhs`` (``rhs`` may be a scalar).

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.add(np.array([1, 2], np.float32), 3).array
        array([4., 5.], dtype=float32)
    """
    if _is_const(rhs):
        if _is_const(lhs):
            raise TypeError("add: at least one operand must be a Variable or an array")
        y, = AddConstant(_const(lhs, rhs, "add")).apply((lhs,))
        return y
    _pair(lhs, rhs, "add")
    y, = Add().apply((lhs, rhs))
    return y


# ---- sub -------------------------------------------------------------------
class Sub(FunctionNode):
    def forward(self, inputs):
        a, b = inputs
        self._shapes = (a.shape, b.shape)
        return a - b,

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        ret = []
        for i in indexes:
            g = gy if i == 0 else -gy
            ret.append(_sum_to_shape(g, self._shapes[i]))
        return tuple(ret)


class SubFromConstant(FunctionNode):
    def __init__(self, value):
        self.value = value

    @property
    def label(self):
        return f"{self.value} - _"

    def forward(self, inputs):
        return utils.force_array(self.value - inputs[0]),

    def backward(self, indexes, grad_outputs):
        return -grad_outputs[0],


def sub(lhs, rhs):
    """Elementwise ``lhs - rhs``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.sub(np.array([1, 2], np.float32), np.array([1, 1], np.float32)).array
        array([0., 1.], dtype=float32)
    """
    if _is_const(rhs):
        y, = AddConstant(-_const(lhs, rhs, "sub")).apply((lhs,))
        return y
    _pair(lhs, rhs, "sub")
    y, = Sub().apply((lhs, rhs))
    return y


def rsub(lhs, rhs):
    """``rhs - lhs`` (the reflected operator)."""
    if _is_const(rhs):
        y, = SubFromConstant(_const(lhs, rhs, "sub")).apply((lhs,))
        return y
    return sub(rhs, lhs)


# ---- mul -------------------------------------------------------------------
class Mul(FunctionNode):
    def forward(self, inputs):
        self.retain_inputs((0, 1))
        a, b = inputs
        return a * b,

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        xs = self.get_retained_inputs()
        ret = []
        for i in indexes:
            g = gy * xs[1 - i]
            ret.append(_sum_to_shape(g, xs[i].shape))
        return tuple(ret)


class MulConstant(FunctionNode):
    def __init__(self, value):
        self.value = value

    @property
    def label(self):
        return f"_ * {self.value}"

    def forward(self, inputs):
        return utils.force_array(inputs[0] * self.value),

    def backward(self, indexes, grad_outputs):
        return grad_outputs[0] * self.value,


def mul(lhs, rhs):
    """Elementwise ``lhs * rhs``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.mul(np.array([1, 2], np.float32), 2).array
        array([2., 4.], dtype=float32)
    """
    if _is_const(rhs):
        y, = MulConstant(_const(lhs, rhs, "mul")).apply((lhs,))
        return y
    _pair(lhs, rhs, "mul")
    y, = Mul().apply((lhs, rhs))
    return y


# ---- div -------------------------------------------------------------------
class Div(FunctionNode):
    def forward(self, inputs):
        self.retain_inputs((0, 1))
        a, b = inputs
        return utils.force_array(a / b),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        a, b = self.get_retained_inputs()
        ret = []
        gx0 = gy / b
        for i in indexes:
            if i == 0:
                ret.append(_sum_to_shape(gx0, a.shape))
            else:
                ret.append(_sum_to_shape(-gx0 * a / b, b.shape))
        return tuple(ret)


class DivFromConstant(FunctionNode):
    def __init__(self, value):
        self.value = value

    @property
    def label(self):
        return f"{self.value} / _"

    def forward(self, inputs):
        self.retain_inputs((0,))
        return utils.force_array(self.value / inputs[0]),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * (-self.value) / (x * x),


def div(lhs, rhs):
    """Elementwise ``lhs / rhs``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.div(np.array([1, 2], np.float32), 2).array
        array([0.5, 1. ], dtype=float32)
    """
    if _is_const(rhs):
        value = _const(lhs, rhs, "div")
        y, = MulConstant(1.0 / value if isinstance(value, (int, float)) else value.dtype.type(1) / value).apply((lhs,))
        return y
    _pair(lhs, rhs, "div")
    y, = Div().apply((lhs, rhs))
    return y


def rdiv(lhs, rhs):
    """``rhs / lhs`` (the reflected operator)."""
    if _is_const(rhs):
        y, = DivFromConstant(_const(lhs, rhs, "div")).apply((lhs,))
        return y
    return div(rhs, lhs)


# ---- pow -------------------------------------------------------------------
class PowVarVar(FunctionNode):
    def forward(self, inputs):
        self.retain_inputs((0, 1))
        self.retain_outputs((0,))
        a, b = inputs
        return utils.force_array(a ** b),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.math.exponential import log

        a, b = self.get_retained_inputs()
        y, = self.get_retained_outputs()
        gy, = grad_outputs
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(_sum_to_shape(gy * b * a ** (b - 1), a.shape))
            else:
                ret.append(_sum_to_shape(gy * y * log(a), b.shape))
        return tuple(ret)


class PowVarConst(FunctionNode):
    def __init__(self, value):
        self.value = value

    @property
    def label(self):
        return f"_ ** {self.value}"

    def forward(self, inputs):
        self.retain_inputs((0,))
        return utils.force_array(inputs[0] ** self.value),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        gy, = grad_outputs
        c = self.value
        if c == 2:
            return gy * (x * 2),
        return gy * (x ** (c - 1) * c),


class PowConstVar(FunctionNode):
    def __init__(self, value):
        self.value = value

    @property
    def label(self):
        return f"{self.value} ** _"

    def forward(self, inputs):
        self.retain_outputs((0,))
        return utils.force_array(self.value ** inputs[0]),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        dtype = y.dtype
        return grad_outputs[0] * y * dtype.type(numpy.log(self.value)),


def pow(lhs, rhs):  # noqa: A001 - Chainer's name
    """Elementwise ``lhs ** rhs``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.pow(np.array([2, 3], np.float32), 2).array
        array([4., 9.], dtype=float32)
    """
    if _is_const(rhs):
        y, = PowVarConst(_const(lhs, rhs, "pow")).apply((lhs,))
        return y
    _pair(lhs, rhs, "pow")
    y, = PowVarVar().apply((lhs, rhs))
    return y


def rpow(lhs, rhs):
    """``rhs ** lhs`` (the reflected operator)."""
    if _is_const(rhs):
        y, = PowConstVar(_const(lhs, rhs, "pow")).apply((lhs,))
        return y
    return pow(rhs, lhs)


# ---- neg, absolute -----------------------------------------------------------
class Neg(FunctionNode):
    @property
    def label(self):
        return "-_"

    def forward(self, inputs):
        return utils.force_array(-inputs[0]),

    def backward(self, indexes, grad_outputs):
        return -grad_outputs[0],


def neg(x):
    """Elementwise ``-x``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.neg(np.array([1, -2], np.float32)).array
        array([-1.,  2.], dtype=float32)
    """
    y, = Neg().apply((x,))
    return y


class Absolute(FunctionNode):
    @property
    def label(self):
        return "|_|"

    def forward(self, inputs):
        self.retain_inputs((0,))
        return utils.force_array(abs(inputs[0])),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        sign = utils._xp(x._data).sign(x._data)
        return grad_outputs[0] * sign,


def absolute(x):
    """Elementwise ``|x|`` (gradient ``sign(x)``, 0 at 0).

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.absolute(np.array([1, -2], np.float32)).array
        array([1., 2.], dtype=float32)
    """
    y, = Absolute().apply((x,))
    return y


def _matmul(a, b):
    from kusari.functions.math.matmul import matmul

    return matmul(a, b)


def _rmatmul(a, b):
    from kusari.functions.math.matmul import matmul

    return matmul(b, a)


def install_variable_arithmetics() -> None:
    """Give ``Variable`` its operators (called once when kusari is imported)."""
    V = Variable
    V.__neg__ = neg
    V.__abs__ = absolute
    V.__add__ = V.__radd__ = add
    V.__sub__ = sub
    V.__rsub__ = rsub
    V.__mul__ = V.__rmul__ = mul
    V.__truediv__ = div
    V.__rtruediv__ = rdiv
    V.__pow__ = pow
    V.__rpow__ = rpow
    V.__matmul__ = _matmul
    V.__rmatmul__ = _rmatmul
