"""``softmax`` along one axis, numerically stable."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.array.broadcast import sum_to
from kusari.utils import type_check


def _softmax_array(x, axis):
    """exp(x - max) / sum: the shift keeps exp from overflowing."""
    xp = utils._xp(x)
    if x.size == 0:
        return xp.empty_like(x)  # max() has nothing to reduce
    y = x - x.max(axis=axis, keepdims=True)
    xp.exp(y, out=y)
    y /= y.sum(axis=axis, keepdims=True)
    return y


def _keepdims_shape(shape, axis):
    return tuple(1 if i == axis else s for i, s in enumerate(shape))


def _check_axis(func, x, axis):
    """Validate ``axis`` for ``x`` and return it as a non-negative int."""
    ndim = x.ndim
    if isinstance(axis, bool) or not isinstance(axis, int) and not hasattr(axis, "__index__"):
        type_check.fail(func, "axis", "an int", type(axis).__name__)
    axis = int(axis)
    if not -ndim <= axis < ndim:
        type_check.fail(func, "axis", f"an axis in [{-ndim}, {ndim}) for shape {tuple(x.shape)}", str(axis))
    return axis % ndim


class Softmax(FunctionNode):
    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, inputs):
        x, = inputs
        self.retain_outputs((0,))
        return _softmax_array(x, self.axis),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return _SoftmaxGrad(self.axis).apply((y, grad_outputs[0]))


class _SoftmaxGrad(FunctionNode):
    """``gx = y * gy - y * sum(y * gy)`` (sums along ``axis``).

    It is linear in ``gy`` and symmetric, so its gradient with respect to
    ``gy`` is itself applied to the incoming gradient.
    """

    def __init__(self, axis):
        self.axis = axis

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        y, gy = inputs
        gx = y * gy
        s = gx.sum(axis=self.axis, keepdims=True)
        gx -= y * s
        return gx,

    def backward(self, indexes, grad_outputs):
        y, gy = self.get_retained_inputs()
        ggx, = grad_outputs
        kshape = _keepdims_shape(y.shape, self.axis)
        ret = []
        for i in indexes:
            if i == 0:
                # d/dy of <ggx, gx>: gy * (ggx - sum(ggx*y)) - ggx * sum(y*gy)
                t = sum_to(ggx * y, kshape)
                s = sum_to(y * gy, kshape)
                ret.append(gy * (ggx - t) - ggx * s)
            else:
                ret.append(_SoftmaxGrad(self.axis).apply((y, ggx))[0])
        return tuple(ret)


def softmax(x, axis=1):
    """Softmax along ``axis``: ``exp(x) / sum(exp(x), axis)``.

    Computed as ``exp(x - max(x))`` so large inputs do not overflow.
    Backward uses only the output; twice differentiable.

    Args:
        x: a float Variable or array with at least one dimension.
        axis: the axis that sums to 1 (default 1, the class axis).

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.softmax(np.array([[0.0, 0.0], [1000.0, 0.0]], np.float32)).array
        array([[0.5, 0.5],
               [1. , 0. ]], dtype=float32)
    """
    type_check.expect_float("softmax", "x", x)
    axis = _check_axis("softmax", x, axis)
    y, = Softmax(axis).apply((x,))
    return y
