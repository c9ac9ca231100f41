"""``layer_normalization``: standardise each row of ``(N, units)``, then scale and shift.

The core is :class:`StandardizeRows` (``(x - mean) / sqrt(var + eps)`` along
axis 1 of a 2-d array), which ``group_normalization`` reuses on its
``(N * groups, -1)`` view.  The affine step ``x_hat * gamma + beta`` is plain
broadcasting arithmetic, so gamma/beta gradients come from the existing ops.
"""
from __future__ import annotations

from kusari import _config, utils
from kusari.function_node import FunctionNode
from kusari.functions.math.average import mean
from kusari.functions.math.sqrt import rsqrt
from kusari.functions.math.square import square
from kusari.utils import type_check
from kusari.variable import Variable, _wrap

_config_obj = _config.config


class StandardizeRows(FunctionNode):
    """``y = (x - mean) / sqrt(var + eps)`` over axis 1 of a 2-d ``x``.

    The gradient is ``inv_std * (gy - mean(gy) - y * mean(gy * y))``.  With
    double backprop on, it is built from differentiable ops on the retained
    ``x`` and ``y`` (``y``'s own creator is this node), so it differentiates again.
    """

    def __init__(self, eps):
        self.eps = eps

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        xp = utils._xp(x)
        centered = x - x.mean(axis=1, keepdims=True)
        var = xp.square(centered).mean(axis=1, keepdims=True)
        var += x.dtype.type(self.eps)
        # Kept for the plain (first-order) backward.
        self._inv_std = xp.reciprocal(xp.sqrt(var, out=var), out=var)
        centered *= self._inv_std
        return centered,

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        if not _config_obj.enable_backprop:
            y = self._retained_output_data[0]
            g = gy._data
            gx = g - g.mean(axis=1, keepdims=True)
            gx -= y * (g * y).mean(axis=1, keepdims=True)
            gx *= self._inv_std
            return _wrap(gx, False),
        x, = self.get_retained_inputs()
        y, = self.get_retained_outputs()
        centered = x - mean(x, axis=1, keepdims=True)
        inv_std = rsqrt(mean(square(centered), axis=1, keepdims=True) + self.eps)
        gx = gy - mean(gy, axis=1, keepdims=True) - y * mean(gy * y, axis=1, keepdims=True)
        return gx * inv_std,


def standardize_rows(x, eps):
    """Differentiable row standardisation of a 2-d float ``x`` (no input checks)."""
    y, = StandardizeRows(eps).apply((x,))
    return y


def _data(a):
    return a._data if isinstance(a, Variable) else a


def layer_normalization(x, gamma, beta, eps=1e-5):
    """Layer normalization: standardise each sample over its units, then scale and shift.

    ``y[i] = (x[i] - mean(x[i])) / sqrt(var(x[i]) + eps) * gamma + beta``,
    with the (biased) mean and variance taken along axis 1.

    Args:
        x: float array or Variable of shape ``(batch_size, unit_size)``.
        gamma: scale, shape ``(unit_size,)``, ``x``'s dtype.
        beta: shift, shape ``(unit_size,)``, ``x``'s dtype.
        eps: added to the variance before the square root.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.normalization.layer_normalization import layer_normalization
        >>> x = np.array([[1, 2, 3], [0, 0, 6]], np.float32)
        >>> y = layer_normalization(x, np.ones(3, np.float32), np.zeros(3, np.float32))
        >>> np.round(y.array, 3)
        array([[-1.225,  0.   ,  1.225],
               [-0.707, -0.707,  1.414]], dtype=float32)
    """
    func = "layer_normalization"
    xd, gd, bd = _data(x), _data(gamma), _data(beta)
    type_check.expect_float(func, "x", xd)
    type_check.expect_ndim(func, "x", xd, 2)
    units = xd.shape[1]
    type_check.expect_shape(func, "gamma", gd, (units,), "(x.shape[1])")
    type_check.expect_shape(func, "beta", bd, (units,), "(x.shape[1])")
    type_check.expect_same_dtype(func, "gamma", gd, "x", xd)
    type_check.expect_same_dtype(func, "beta", bd, "x", xd)
    return standardize_rows(x, eps) * gamma + beta
