"""``local_response_normalization``: AlexNet's cross-channel normalisation.

``y = x * (k + alpha * S(x^2)) ** -beta`` where ``S`` sums each channel's
window ``[c - n//2, c + n//2]`` (clipped at the edges; an even ``n`` thus
covers ``n + 1`` channels, as in Chainer).  ``S`` is a padded strided sum: one
vectorised add per window offset, never a loop over channels.  ``S`` is linear
and symmetric, so it is its own adjoint: :class:`ChannelWindowSum` backprops
through itself, which gives this function a double backward.
"""
from __future__ import annotations

import numpy

from kusari import _config, utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import _wrap

_config_obj = _config.config


def _window_sum(a, half_n):
    """Sum of ``a`` over channels ``c - half_n .. c + half_n`` along axis 1 (zero outside)."""
    xp = utils._xp(a)
    channels = a.shape[1]
    # Offsets beyond the channel count only ever read the zero padding.
    half_n = min(half_n, channels - 1)
    if half_n <= 0:
        return a.copy()
    padded = xp.zeros(a.shape[:1] + (channels + 2 * half_n,) + a.shape[2:], a.dtype)
    padded[:, half_n:half_n + channels] = a
    total = padded[:, :channels].copy()
    for offset in range(1, 2 * half_n + 1):
        total += padded[:, offset:offset + channels]
    return total


class ChannelWindowSum(FunctionNode):
    """The window sum ``S`` as a node; its gradient is ``S`` of the output gradient."""

    def __init__(self, half_n):
        self.half_n = half_n

    def forward(self, inputs):
        return _window_sum(inputs[0], self.half_n),

    def backward(self, indexes, grad_outputs):
        return ChannelWindowSum(self.half_n).apply(grad_outputs)


class LocalResponseNormalization(FunctionNode):
    @property
    def label(self):
        return "local_response_normalization"

    def __init__(self, n, k, alpha, beta):
        self.half_n = n // 2
        self.k = k
        self.alpha = alpha
        self.beta = beta

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        xp = utils._xp(x)
        dtype = x.dtype.type
        unit = _window_sum(xp.square(x), self.half_n)
        unit *= dtype(self.alpha)
        unit += dtype(self.k)
        # unit and scale are kept for the plain backward (Chainer keeps them too).
        self._unit = unit
        self._scale = xp.power(unit, dtype(-self.beta))
        return utils.force_array(x * self._scale),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        coeff = 2.0 * self.alpha * self.beta
        if not _config_obj.enable_backprop:
            x = self.get_retained_inputs()[0]._data
            g = gy._data
            # d/dx_j of sum_i gy_i x_i u_i^-b, where u_i depends on x_j^2 for j in window(i).
            inner = _window_sum(g * x * self._scale / self._unit, self.half_n)
            inner *= x.dtype.type(coeff)
            inner *= x
            return _wrap(g * self._scale - inner, False),
        x, = self.get_retained_inputs()
        unit = ChannelWindowSum(self.half_n).apply((x * x,))[0] * self.alpha + self.k
        scale = unit ** -self.beta
        inner = ChannelWindowSum(self.half_n).apply((gy * x * scale / unit,))[0]
        return gy * scale - x * inner * coeff,


def local_response_normalization(x, n=5, k=2, alpha=1e-4, beta=0.75):
    """Local response normalization across neighbouring channels (AlexNet, section 3.3).

    ``y[:, c] = x[:, c] / (k + alpha * sum_{j=c-n//2}^{c+n//2} x[:, j]^2) ** beta``,
    the sum clipped to the existing channels.

    Args:
        x: float array or Variable of shape ``(N, C, ...)`` (two or more axes).
        n: window width (an int; the window is ``n // 2`` channels on each side).
        k: additive constant.
        alpha: scale of the squared sum.
        beta: exponent.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.normalization.local_response_normalization import (
        ...     local_response_normalization)
        >>> x = np.array([[1, 2, 3]], np.float32)
        >>> y = local_response_normalization(x, n=3, k=1, alpha=1, beta=1)
        >>> np.round(y.array, 4)                    # 1/(1+1+4), 2/(1+1+4+9), 3/(1+4+9)
        array([[0.1667, 0.1333, 0.2143]], dtype=float32)
    """
    func = "local_response_normalization"
    type_check.expect_float(func, "x", x)
    type_check.expect_min_ndim(func, "x", x, 2)
    if not isinstance(n, (int, numpy.integer)) or isinstance(n, bool) or n < 0:
        type_check.fail(func, "n", "a non-negative int", repr(n))
    y, = LocalResponseNormalization(int(n), k, alpha, beta).apply((x,))
    return y
