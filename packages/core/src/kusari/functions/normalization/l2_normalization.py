"""``normalize``: ``x / (||x||_2 + eps)`` along an axis (or axes).

The gradient is ``(gy - x * sum(x * gy) / (|x| * (|x| + eps))) / (|x| + eps)``.
Where a vector is all zeros ``x`` is zero too, so the middle term vanishes;
the backward computes it with a safe denominator of 1 there (instead of
dividing by ``|x| = 0``), so neither the gradient nor its gradient gets a NaN.
"""
from __future__ import annotations

from kusari import _config, utils
from kusari.function_node import FunctionNode
from kusari.functions.array.where import where
from kusari.functions.math.sqrt import sqrt
from kusari.functions.math.sum import normalize_axis
from kusari.functions.math.sum import sum as _sum
from kusari.utils import type_check
from kusari.variable import _wrap

_config_obj = _config.config


class NormalizeL2(FunctionNode):
    @property
    def label(self):
        return "normalize"

    def __init__(self, eps, axes):
        self.eps = eps
        self.axes = axes

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        xp = utils._xp(x)
        norm = xp.sqrt(xp.square(x).sum(axis=self.axes, keepdims=True))
        norm += x.dtype.type(self.eps)
        return utils.force_array(x / norm),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        gy, = grad_outputs
        axes, eps = self.axes, self.eps
        if not _config_obj.enable_backprop:
            xd, g = x._data, gy._data
            xp = utils._xp(xd)
            norm_noeps = xp.sqrt(xp.square(xd).sum(axis=axes, keepdims=True))
            norm = norm_noeps + xd.dtype.type(eps)
            safe = xp.where(norm_noeps > 0, norm_noeps * norm, xd.dtype.type(1))
            gx = g - xd * ((xd * g).sum(axis=axes, keepdims=True) / safe)
            gx /= norm
            return _wrap(gx, False),
        squares = _sum(x * x, axes, True)
        nonzero = squares.array > 0
        # sqrt of 1 where the vector is zero: sqrt's own gradient stays finite there.
        norm_safe = sqrt(where(nonzero, squares, _ones_like(squares)))
        norm = where(nonzero, norm_safe, _zeros_like(squares)) + eps
        gx = (gy - x * (_sum(x * gy, axes, True) / (norm_safe * norm))) / norm
        return gx,


def _ones_like(v):
    return utils._xp(v.array).ones_like(v.array)


def _zeros_like(v):
    return utils._xp(v.array).zeros_like(v.array)


def normalize(x, eps=1e-5, axis=1):
    """Divide ``x`` by its L2 norm along ``axis``: ``x / (||x||_2 + eps)``.

    Args:
        x: float array or Variable.
        eps: added to the norm (not inside the square root), so a zero vector
            maps to zero.
        axis: an int or a tuple of ints: the axes the norm is taken over.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.normalization.l2_normalization import normalize
        >>> normalize(np.array([[3, 4]], np.float32), eps=0).array
        array([[0.6, 0.8]], dtype=float32)
        >>> normalize(np.zeros((1, 2), np.float32)).array    # a zero vector stays zero
        array([[0., 0.]], dtype=float32)
    """
    type_check.expect_float("normalize", "x", x)
    axes = normalize_axis("normalize", axis, x.ndim)
    if axes is None:
        type_check.fail("normalize", "axis", "an int or a tuple of ints", "None")
    y, = NormalizeL2(eps, axes).apply((x,))
    return y
