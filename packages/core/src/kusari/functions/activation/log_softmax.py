"""``log_softmax`` along one axis, numerically stable."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.activation.softmax import _check_axis, _keepdims_shape
from kusari.functions.array.broadcast import sum_to
from kusari.utils import type_check


def _log_softmax_array(x, axis):
    """x - logsumexp(x): shifted by the max so exp never overflows."""
    xp = utils._xp(x)
    if x.size == 0:
        return xp.empty_like(x)  # max() has nothing to reduce
    y = x - x.max(axis=axis, keepdims=True)
    lse = xp.log(xp.exp(y).sum(axis=axis, keepdims=True))
    y -= lse
    return y


class LogSoftmax(FunctionNode):
    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, inputs):
        x, = inputs
        self.retain_outputs((0,))
        return _log_softmax_array(x, self.axis),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return _LogSoftmaxGrad(self.axis).apply((y, grad_outputs[0]))


class _LogSoftmaxGrad(FunctionNode):
    """``gx = gy - exp(y) * sum(gy)`` (sums along ``axis``) from the output ``y``."""

    def __init__(self, axis):
        self.axis = axis

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        y, gy = inputs
        xp = utils._xp(y)
        gx = xp.exp(y)
        gx *= gy.sum(axis=self.axis, keepdims=True)
        xp.subtract(gy, gx, out=gx)
        return gx,

    def backward(self, indexes, grad_outputs):
        y, gy = self.get_retained_inputs()
        ggx, = grad_outputs
        kshape = _keepdims_shape(y.shape, self.axis)
        p = _Exp().apply((y,))[0]  # softmax, differentiable in y
        ggx_p = ggx * p
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(-(ggx_p * sum_to(gy, kshape)))
            else:
                ret.append(ggx - sum_to(ggx_p, kshape))
        return tuple(ret)


class _Exp(FunctionNode):
    # Private so this module depends only on the core array functions.
    def forward(self, inputs):
        x, = inputs
        self.retain_outputs((0,))
        return utils.force_array(utils._xp(x).exp(x), x.dtype),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return grad_outputs[0] * y,


def log_softmax(x, axis=1):
    """Logarithm of the softmax along ``axis``: ``x - logsumexp(x, axis)``.

    More accurate than ``log(softmax(x))``: it is shifted by the max, so it
    neither overflows nor takes the log of an underflowed 0.
    Backward uses only the output; twice differentiable.

    Args:
        x: a float Variable or array with at least one dimension.
        axis: the axis to normalise over (default 1, the class axis).

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.log_softmax(np.array([[0.0, 0.0], [200.0, 0.0]], np.float32)).array
        array([[  -0.6931472,   -0.6931472],
               [   0.       , -200.       ]], dtype=float32)
    """
    type_check.expect_float("log_softmax", "x", x)
    axis = _check_axis("log_softmax", x, axis)
    y, = LogSoftmax(axis).apply((x,))
    return y
