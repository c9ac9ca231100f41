"""``cumsum`` and ``cumprod`` along one axis (or over the flattened input)."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math.sum import normalize_axis
from kusari.utils import type_check


def _flip(x, axis):
    from kusari.functions.array.flip import flip
    return flip(x, axis)


def _reverse_cumsum(x, axis):
    """``out[i] = sum_{j >= i} x[j]`` along ``axis`` (differentiable)."""
    return _flip(cumsum(_flip(x, axis), axis), axis)


class Cumsum(FunctionNode):
    def __init__(self, axis):
        self._axis = axis

    @property
    def label(self):
        return "cumsum"

    def forward(self, inputs):
        x, = inputs
        return utils.force_array(utils._xp(x).cumsum(x, axis=self._axis)),

    def backward(self, indexes, grad_outputs):
        return _reverse_cumsum(grad_outputs[0], self._axis),


class Cumprod(FunctionNode):
    def __init__(self, axis):
        self._axis = axis

    @property
    def label(self):
        return "cumprod"

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        return utils.force_array(utils._xp(x).cumprod(x, axis=self._axis)),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        y, = self.get_retained_outputs()
        return _cumprod_grad(x, y, grad_outputs[0], self._axis),


def _cumprod_grad(x, y, gy, axis):
    """The gradient of ``y = cumprod(x, axis)``, built from differentiable ops."""
    from kusari.functions.array.broadcast import broadcast_to
    from kusari.functions.array.where import where
    from kusari.functions.math.sum import sum as sum_

    xa = x.array
    xp = utils._xp(xa)
    # d y_i / d x_k = prod_{j<=i, j!=k} x_j.  Dividing y_i by x_k gives it
    # wherever x_k != 0, which covers every position when no zero occurs.
    is_zero = xa == 0
    if not bool(is_zero.any()):
        return _reverse_cumsum(gy * y, axis) / x
    # With zeros, let x' be x with each row's first zero x_z replaced by one
    # and g' the gradient of cumprod at x'.  Before x_z the quotient above
    # still holds (y is exactly 0 past x_z); at x_z the products skip x_z, so
    # they equal g'; past it they contain x_z once, so they are x_z * g'.
    # Writing the last case as a product (not a constant 0) keeps the second
    # derivative exact.  g' recurses once per further zero in a row.
    zeros_so_far = xp.cumsum(is_zero, axis=axis)
    before_zero = zeros_so_far == 0
    first_zero = is_zero & (zeros_so_far == 1)
    ones = xp.ones_like(xa)
    g_before = _reverse_cumsum(gy * y, axis) / where(before_zero, x, ones)
    x_skip = where(first_zero, ones, x)
    g_skip = _cumprod_grad(x_skip, cumprod(x_skip, axis), gy, axis)
    x_z = broadcast_to(sum_(where(first_zero, x, xp.zeros_like(xa)), axis=axis, keepdims=True), x.shape)
    return where(before_zero, g_before, where(first_zero, g_skip, x_z * g_skip))


def _prepare(func, x, axis):
    type_check.expect_float(func, "x", x)
    axes = normalize_axis(func, axis, x.ndim, allow_tuple=False)
    if axes is None:
        from kusari.functions.array.reshape import reshape
        return reshape(x, (-1,)), 0
    return x, axes[0]


def cumsum(x, axis=None):
    """Cumulative sum along ``axis``; ``axis=None`` runs over the flattened input.

    Args:
        x: a floating-point Variable or array.
        axis: an int, or None to flatten ``x`` first (the result is then 1-d).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.cumulative import cumsum
        >>> cumsum(np.array([[1, 2], [3, 4]], np.float32), axis=1).array
        array([[1., 3.],
               [3., 7.]], dtype=float32)
        >>> cumsum(np.array([[1, 2], [3, 4]], np.float32)).array
        array([ 1.,  3.,  6., 10.], dtype=float32)
    """
    x, axis = _prepare("cumsum", x, axis)
    y, = Cumsum(axis).apply((x,))
    return y


def cumprod(x, axis=None):
    """Cumulative product along ``axis``; ``axis=None`` runs over the flattened input.

    The gradient (and its own gradient) is exact also where ``x`` holds zeros.

    Args:
        x: a floating-point Variable or array.
        axis: an int, or None to flatten ``x`` first (the result is then 1-d).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.cumulative import cumprod
        >>> cumprod(np.array([[1, 2, 3], [4, 5, 6]], np.float32), axis=1).array
        array([[  1.,   2.,   6.],
               [  4.,  20., 120.]], dtype=float32)
    """
    x, axis = _prepare("cumprod", x, axis)
    y, = Cumprod(axis).apply((x,))
    return y
