"""``logsumexp``: ``log(sum(exp(x)))`` computed without overflow."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math.sum import keepdims_shape, normalize_axis
from kusari.utils import type_check


class LogSumExp(FunctionNode):
    def __init__(self, axes):
        self._axes = axes

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        xp = utils._xp(x)
        m = x.max(axis=self._axes, keepdims=True)
        # A row of -inf (or +inf) would give inf - inf = nan below; shifting
        # by 0 there leaves the right answer (-inf / +inf).
        m = xp.where(xp.isfinite(m), m, 0)
        y = xp.log(xp.exp(x - m).sum(axis=self._axes, keepdims=True)) + m
        return utils.force_array(y).reshape(_reduced_shape(x.shape, self._axes)),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.reshape import reshape
        from kusari.functions.math.exponential import exp

        x, = self.get_retained_inputs()
        y, = self.get_retained_outputs()
        shape = keepdims_shape(x.shape, self._axes)
        # d logsumexp / dx = softmax(x) = exp(x - y), broadcast along the axes.
        return exp(x - reshape(y, shape)) * reshape(grad_outputs[0], shape),


def _reduced_shape(shape, axes):
    if axes is None:
        return ()
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def logsumexp(x, axis=None):
    """``log(sum(exp(x), axis))``, stable for large inputs.

    Args:
        x: a Variable or array of a floating-point dtype.
        axis: None (all elements), an int or a tuple of ints.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> y = F.logsumexp(np.array([[0, 0], [1000, 1000]], np.float32), axis=1)
        >>> (y.array - [0, 1000]).round(3)   # log(2) each; exp(1000) alone would overflow
        array([0.693, 0.693])
    """
    type_check.expect_float("logsumexp", "x", x)
    axes = normalize_axis("logsumexp", axis, x.ndim)
    shape = x.shape
    if any(shape[a] == 0 for a in (range(len(shape)) if axes is None else axes)):
        type_check.fail("logsumexp", "x", "a non-empty reduction (no zero-size axis to reduce)",
                        f"shape {tuple(shape)}")
    y, = LogSumExp(axes).apply((x,))
    return y
