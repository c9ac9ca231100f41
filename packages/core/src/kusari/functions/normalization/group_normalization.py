"""``group_normalization``: standardise each (sample, channel group), then scale and shift per channel.

``x`` of shape ``(N, C, ...)`` is viewed as ``(N * groups, -1)`` (a free
reshape of contiguous data), each row is standardised by the node shared with
``layer_normalization``, and the per-channel affine step broadcasts
``gamma``/``beta`` reshaped to ``(C, 1)`` over ``(N, C, spatial)``.
"""
from __future__ import annotations

import numpy

from kusari.functions.array.cast import cast
from kusari.functions.array.reshape import reshape
from kusari.functions.normalization.layer_normalization import standardize_rows
from kusari.utils import type_check
from kusari.variable import Variable


def _data(a):
    return a._data if isinstance(a, Variable) else a


def _check(x, groups, gamma, beta):
    func = "group_normalization"
    if not isinstance(groups, (int, numpy.integer)) or isinstance(groups, bool):
        type_check.fail(func, "groups", "an int", type(groups).__name__)
    type_check.expect_float(func, "x", x)
    type_check.expect_min_ndim(func, "x", x, 2)
    channels = x.shape[1]
    type_check.expect_shape(func, "gamma", gamma, (channels,), "(x.shape[1])")
    type_check.expect_shape(func, "beta", beta, (channels,), "(x.shape[1])")
    type_check.expect_float(func, "gamma", gamma)
    type_check.expect_same_dtype(func, "beta", beta, "gamma", gamma)
    if groups <= 0 or channels % groups:
        # A value error, as in Chainer: the types are right, the count is not.
        raise ValueError(f"{func}: argument 'groups' expected a positive divisor of the "
                         f"number of channels {channels}, got {groups}")


def group_normalization(x, groups, gamma, beta, eps=1e-5):
    """Group normalization: statistics per sample over each group of channels (and all spatial axes).

    The ``C`` channels are split into ``groups`` consecutive groups; each
    ``(sample, group)`` slice is standardised with its own (biased) mean and
    variance, then channel ``c`` is scaled by ``gamma[c]`` and shifted by
    ``beta[c]``.

    Args:
        x: float array or Variable of shape ``(N, C, ...)`` (two or more axes).
        groups: the number of channel groups, an int dividing ``C``.
        gamma: scale, shape ``(C,)``, a float dtype.
        beta: shift, shape ``(C,)``, ``gamma``'s dtype.
        eps: added to the variance before the square root.

    Returns:
        Variable of ``x``'s shape and dtype (gamma/beta of another float
        dtype, e.g. float32 with a float16 ``x``, are cast to ``x``'s dtype).

    Raises:
        InvalidType: wrong types, ranks or parameter shapes.
        ValueError: ``groups`` does not divide the number of channels.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.normalization.group_normalization import group_normalization
        >>> x = np.array([[[1.], [3.], [0.], [10.]]], np.float32)      # (N=1, C=4, 1)
        >>> y = group_normalization(x, 2, np.ones(4, np.float32), np.zeros(4, np.float32))
        >>> np.round(y.array[:, :, 0], 3)
        array([[-1.,  1., -1.,  1.]], dtype=float32)
    """
    xd, gd, bd = _data(x), _data(gamma), _data(beta)
    _check(xd, groups, gd, bd)
    shape = tuple(xd.shape)
    n, channels = shape[0], shape[1]
    if gd.dtype != xd.dtype:
        gamma, beta = cast(gamma, xd.dtype), cast(beta, xd.dtype)
    x_hat = standardize_rows(reshape(x, (n * int(groups), -1)), eps)
    x_hat = reshape(x_hat, (n, channels, -1))
    y = x_hat * reshape(gamma, (channels, 1)) + reshape(beta, (channels, 1))
    return reshape(y, shape)
