"""``huber_loss``: squared error near 0, absolute error beyond ``delta`` (Chainer v7 semantics)."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.array.expand_dims import expand_dims
from kusari.functions.math.clip import clip
from kusari.utils import type_check
from kusari.variable import as_array

_FN = "huber_loss"


class HuberLoss(FunctionNode):
    def __init__(self, delta, reduce="sum_along_second_axis"):
        self.delta = delta
        self.reduce = reduce

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x, t = inputs
        xp = utils._xp(x)
        diff = utils.force_array(x - t)  # 0-d inputs give a NumPy scalar
        abs_diff = xp.abs(diff, out=diff)
        delta = x.dtype.type(self.delta)
        # 0.5 d^2 for |d| <= delta, else delta (|d| - delta / 2).
        elems = xp.where(abs_diff <= delta, 0.5 * abs_diff * abs_diff,
                         delta * (abs_diff - 0.5 * delta)).astype(x.dtype, copy=False)
        if self.reduce == "sum_along_second_axis":
            elems = elems.sum(axis=1)
        return utils.force_array(elems, x.dtype),

    def backward(self, indexes, grad_outputs):
        x, t = self.get_retained_inputs()
        gy, = grad_outputs
        if self.reduce == "sum_along_second_axis":
            gy = expand_dims(gy, 1)
        # clip() is differentiable, so the gradient can be differentiated again
        # (second derivative 1 inside the band, 0 outside).
        gx = gy * clip(x - t, -self.delta, self.delta)
        return tuple([gx if i == 0 else -gx for i in indexes])


def huber_loss(x, t, delta, reduce="sum_along_second_axis"):
    """Huber loss of ``x - t``: ``0.5 d^2`` where ``|d| <= delta``, else ``delta (|d| - delta / 2)``.

    Args:
        x, t: float Variables or arrays of the same shape and dtype; both are
            differentiable.  With the default ``reduce`` they need at least 2 axes.
        delta: the positive threshold between the quadratic and linear parts.
        reduce: ``'sum_along_second_axis'`` (default, as Chainer) sums the
            elementwise loss over axis 1; ``'no'`` returns it elementwise.

    Returns:
        Variable of ``x``'s dtype; ``x``'s shape without axis 1, or ``x``'s
        shape with ``reduce='no'``.

    Raises:
        InvalidType: non-float ``x``, ``t`` of another dtype or shape, or
            fewer than 2 axes with ``reduce='sum_along_second_axis'``.
        ValueError: an unknown ``reduce``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.huber_loss import huber_loss
        >>> x = np.array([[0.5, 3.0], [-2.0, 0.1]], np.float32)
        >>> huber_loss(x, np.zeros((2, 2), np.float32), delta=1.0).array
        array([2.625, 1.505], dtype=float32)
        >>> huber_loss(x, np.zeros((2, 2), np.float32), delta=1.0, reduce='no').array
        array([[0.125, 2.5  ],
               [1.5  , 0.005]], dtype=float32)
    """
    if reduce not in ("sum_along_second_axis", "no"):
        raise ValueError(f"{_FN}: argument 'reduce' expected 'sum_along_second_axis' or 'no', "
                         f"got {reduce!r}")
    xa, ta = as_array(x), as_array(t)
    type_check.expect_float(_FN, "x", xa)
    type_check.expect_same_dtype(_FN, "t", ta, "x", xa)
    type_check.expect_shape(_FN, "t", ta, xa.shape, "(the shape of 'x')")
    if reduce == "sum_along_second_axis":
        type_check.expect_min_ndim(_FN, "x", xa, 2)
    y, = HuberLoss(delta, reduce).apply((x, t))
    return y
