"""``simplified_dropconnect``: a linear layer whose weights are dropped at random."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.functions.array.broadcast import broadcast_to
from kusari.functions.array.reshape import reshape
from kusari.functions.connection.linear import linear
from kusari.functions.math.sum import sum as sum_over
from kusari.utils import type_check
from kusari.variable import as_array, as_variable

_FN = "simplified_dropconnect"


def _draw_mask(shape, ratio, xp):
    """Boolean keep-mask, True with probability ``1 - ratio`` (Chainer's draw for one seed)."""
    if xp is numpy:
        return numpy.random.rand(*shape) >= ratio
    return xp.random.rand(*shape, dtype=numpy.float32) >= ratio


def simplified_dropconnect(x, W, b=None, ratio=.5, train=True, mask=None, use_batchwise_mask=True):  # noqa: N803
    """Linear layer ``y = x (W * mask / (1 - ratio))^T + b`` with weights dropped at random.

    Each weight is dropped with probability ``ratio`` and the kept ones are
    scaled by ``1 / (1 - ratio)``.  With ``use_batchwise_mask`` every sample
    gets its own mask (shape ``(N, out_size, in_size)``), otherwise one mask
    ``(out_size, in_size)`` is shared by the batch.  As in Chainer this looks
    at the ``train`` argument, not at ``kusari.config.train``; ``train=False``
    makes it a plain linear layer (a given ``mask`` is then used unscaled).

    Args:
        x: a float Variable or array of shape ``(N, ...)``; the trailing axes
            are flattened into ``in_size`` features.
        W: the weight ``(out_size, in_size)``, ``x``'s dtype.
        b: an optional bias ``(out_size,)``.
        ratio: the drop probability, in ``[0, 1)``.
        train: whether to drop weights.
        mask: the keep-mask to use instead of a random one, shape
            ``(N, out_size, in_size)`` or ``(out_size, in_size)`` (its shape,
            not ``use_batchwise_mask``, says which); its values multiply ``W``
            together with ``1 / (1 - ratio)``.
        use_batchwise_mask: draw a mask per sample.

    Returns:
        Variable of shape ``(N, out_size)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.noise.simplified_dropconnect import simplified_dropconnect
        >>> x = np.ones((1, 2), np.float32)
        >>> W = np.array([[1, 2], [3, 4]], np.float32)
        >>> mask = np.array([[[1, 0], [0, 1]]], np.float32)      # one sample
        >>> simplified_dropconnect(x, W, ratio=0.5, mask=mask).array
        array([[2., 8.]], dtype=float32)
        >>> simplified_dropconnect(x, W, train=False).array
        array([[3., 7.]], dtype=float32)
    """
    type_check.expect_float(_FN, "x", x)
    type_check.expect_min_ndim(_FN, "x", x, 2)
    type_check.expect_float(_FN, "W", W)
    type_check.expect_ndim(_FN, "W", W, 2)
    type_check.expect_same_dtype(_FN, "W", W, "x", x)
    n = x.shape[0]
    out_size, in_size = W.shape
    features = int(numpy.prod(x.shape[1:]))
    if features != in_size:
        type_check.fail(_FN, "x", f"shape (N, ...) with {in_size} features (in_size of W)", str(tuple(x.shape)))
    if b is not None:
        type_check.expect_same_dtype(_FN, "b", b, "x", x)
        type_check.expect_shape(_FN, "b", b, (out_size,), "(out_size of W)")
    if not 0.0 <= ratio < 1.0:
        type_check.fail(_FN, "ratio", "a number in [0, 1)", repr(ratio))
    if not train:
        ratio = 0.0
    W_data = as_array(W)
    xp = utils._xp(W_data)
    if mask is None:
        shape = (n, out_size, in_size) if use_batchwise_mask else (out_size, in_size)
        mask = _draw_mask(shape, ratio, xp)
    else:
        mask = as_array(mask)
        if tuple(mask.shape) not in ((n, out_size, in_size), (out_size, in_size)):
            type_check.fail(_FN, "mask", f"shape {(n, out_size, in_size)} or {(out_size, in_size)}",
                            str(tuple(mask.shape)))
    # The scaled mask is a constant factor of W: W's gradient is masked the
    # same way, and everything stays differentiable twice.
    factor = xp.multiply(mask, 1.0 / (1.0 - ratio), dtype=W_data.dtype)
    x2 = reshape(x, (n, in_size)) if x.ndim != 2 else as_variable(x)
    if factor.ndim == 2:
        return linear(x2, W * factor, b)
    # One weight matrix per sample: y[i, j] = sum_k W[j, k] factor[i, j, k] x[i, k].
    weights = broadcast_to(W, factor.shape) * factor
    y = sum_over(weights * broadcast_to(reshape(x2, (n, 1, in_size)), factor.shape), axis=2)
    if b is not None:
        y = y + broadcast_to(reshape(b, (1, out_size)), y.shape)
    return y
