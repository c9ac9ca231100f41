"""``max``, ``min`` (differentiable) and ``argmax``, ``argmin`` (int32, not differentiable).

The gradient of ``max``/``min`` goes to every position equal to the extreme:
with ties, *each* tied element receives the full output gradient (Chainer 7
does the same; it is not split between them).
"""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math.sum import keepdims_shape, normalize_axis
from kusari.utils import type_check
from kusari.variable import Variable


class _Extreme(FunctionNode):
    _reduce = None  # name of the ndarray method: "max" or "min"

    def __init__(self, axes, keepdims):
        self._axes = axes
        self._keepdims = keepdims

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        return utils.force_array(getattr(x, self._reduce)(axis=self._axes, keepdims=self._keepdims)),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.broadcast import broadcast_to
        from kusari.functions.array.reshape import reshape

        x = self.get_retained_inputs()[0]._data
        y = self.output_data[0]
        shape = keepdims_shape(x.shape, self._axes)
        # The mask is a constant: the gradient is piecewise linear in gy and
        # has zero derivative in x, so double backprop needs nothing more.
        mask = (x == y.reshape(shape)).astype(x.dtype)
        gy, = grad_outputs
        if not self._keepdims:
            gy = reshape(gy, shape)
        return broadcast_to(gy, x.shape) * mask,


class Max(_Extreme):
    _reduce = "max"


class Min(_Extreme):
    _reduce = "min"


def _check_reduction(func, x, axis):
    type_check.expect_float(func, "x", x)
    axes = normalize_axis(func, axis, x.ndim)
    shape = x.shape
    if any(shape[a] == 0 for a in (range(len(shape)) if axes is None else axes)):
        type_check.fail(func, "x", "a non-empty reduction (no zero-size axis to reduce)", f"shape {tuple(shape)}")
    return axes


def max(x, axis=None, keepdims=False):  # noqa: A001 - Chainer's name
    """Maximum of ``x`` over ``axis`` (all axes when None).

    The gradient goes to the elements equal to the maximum; each tied
    element gets the full gradient, as in Chainer.

    Example:
        >>> import numpy as np
        >>> import kusari, kusari.functions as F
        >>> x = kusari.Variable(np.array([[1, 5, 2], [7, 0, 7]], np.float32))
        >>> y = F.max(x, axis=1)
        >>> y.array
        array([5., 7.], dtype=float32)
        >>> F.sum(y).backward(); x.grad
        array([[0., 1., 0.],
               [1., 0., 1.]], dtype=float32)
    """
    axes = _check_reduction("max", x, axis)
    y, = Max(axes, bool(keepdims)).apply((x,))
    return y


def min(x, axis=None, keepdims=False):  # noqa: A001 - Chainer's name
    """Minimum of ``x`` over ``axis`` (all axes when None); gradient as in :func:`max`.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.min(np.array([[1, 5], [7, 0]], np.float32), axis=0, keepdims=True).array
        array([[1., 0.]], dtype=float32)
    """
    axes = _check_reduction("min", x, axis)
    y, = Min(axes, bool(keepdims)).apply((x,))
    return y


def _arg_extreme(func, reduce, x, axis):
    data = x._data if isinstance(x, Variable) else x
    type_check.expect_float(func, "x", data)
    axes = normalize_axis(func, axis, data.ndim, allow_tuple=False)
    if data.size == 0:
        type_check.fail(func, "x", "a non-empty array", f"shape {tuple(data.shape)}")
    index = getattr(data, reduce)(axis=None if axes is None else axes[0])
    return Variable(utils.force_array(index).astype(numpy.int32, copy=False), requires_grad=False)


def argmax(x, axis=None):
    """Index of the maximum (over the flattened array when ``axis`` is None), as int32.

    Not differentiable: the result is a Variable with ``requires_grad=False``.
    With ties the first index wins.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.argmax(np.array([[1, 5, 5], [7, 0, 2]], np.float32), axis=1).array
        array([1, 0], dtype=int32)
    """
    return _arg_extreme("argmax", "argmax", x, axis)


def argmin(x, axis=None):
    """Index of the minimum (over the flattened array when ``axis`` is None), as int32.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.argmin(np.array([[1, 5, 5], [7, 0, 2]], np.float32)).array
        array(4, dtype=int32)
    """
    return _arg_extreme("argmin", "argmin", x, axis)
