"""``average_pooling_nd`` and its 1-, 2- and 3-d forms: the mean of each window."""
from __future__ import annotations

from functools import reduce

from kusari import utils
from kusari.functions.pooling._pooling_nd import pooled_windows, pooling_args
from kusari.functions.pooling._window_ops import SumPool
from kusari.utils import type_check


def _valid_counts(xp, windows, stride, dtype):
    """How many non-padding elements each window holds: an outer product of per-axis counts."""
    counts = []
    for axis, (n, o, k, s, (lo, _)) in enumerate(zip(windows.big, windows.small, windows.ksize, stride,
                                                     windows.pads, strict=True)):
        start = xp.arange(o) * s - lo
        count = xp.minimum(start + k, n) - xp.maximum(start, 0)
        shape = [1] * len(windows.big)
        shape[axis] = o
        counts.append(count.reshape(shape))
    return reduce(lambda a, b: a * b, counts).astype(dtype)


def _average_pooling(func, x, ksize, stride, pad, pad_value, ndim=None):
    ksize, stride, pad = pooling_args(func, x, ksize, stride, pad, ndim)
    if not (pad_value is None or (not isinstance(pad_value, bool) and pad_value == 0)):
        type_check.fail(func, "pad_value", "0 or None", repr(pad_value))
    # Chainer's average pooling has no cover_all: windows stay inside the padded input.
    windows = pooled_windows(func, x, ksize, stride, pad, False)
    if pad_value is None and windows.padded:
        denom = _valid_counts(utils._xp(x), windows, stride, x.dtype)
    else:
        denom = windows.size
    y, = SumPool(windows, denom).apply((x,))
    return y


def average_pooling_nd(x, ksize, stride=None, pad=0, pad_value=0):
    """N-dimensional average pooling over the axes after the second of ``(N, C, d1, ..., dn)``.

    The output size along an axis is ``(d + 2p - k) // s + 1`` (no
    ``cover_all``, as in Chainer).

    Args:
        x: a float Variable or array with at least 3 dimensions.
        ksize: window size, an int or a tuple of n ints.
        stride: an int or a tuple; None (the default) means ``ksize``.
        pad: padding on both sides, an int or a tuple.
        pad_value: 0 (padding counts as zeros: every window is divided by
            ``prod(ksize)``) or None (padding is left out of both the sum and
            the count).

    Returns:
        Variable of shape ``(N, C, o1, ..., on)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.average_pooling_nd import average_pooling_nd
        >>> x = np.array([[[2, 4, 6]]], np.float32)
        >>> average_pooling_nd(x, 2, 1, pad=1).array
        array([[[1., 3., 5., 3.]]], dtype=float32)
        >>> average_pooling_nd(x, 2, 1, pad=1, pad_value=None).array
        array([[[2., 3., 5., 6.]]], dtype=float32)
    """
    return _average_pooling("average_pooling_nd", x, ksize, stride, pad, pad_value)


def average_pooling_1d(x, ksize, stride=None, pad=0, pad_value=0):
    """Average pooling of ``(N, C, W)`` arrays; see :func:`average_pooling_nd`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.average_pooling_nd import average_pooling_1d
        >>> average_pooling_1d(np.array([[[1, 3, 2, 6]]], np.float32), 2).array
        array([[[2., 4.]]], dtype=float32)
    """
    return _average_pooling("average_pooling_1d", x, ksize, stride, pad, pad_value, 1)


def average_pooling_2d(x, ksize, stride=None, pad=0):
    """Average pooling of ``(N, C, H, W)`` images; see :func:`average_pooling_nd`.

    Padded elements count as zeros (each window is divided by ``kh * kw``);
    use :func:`average_pooling_nd` with ``pad_value=None`` to leave them out.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.average_pooling_nd import average_pooling_2d
        >>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> average_pooling_2d(x, 2).array
        array([[[[ 2.5,  4.5],
                 [10.5, 12.5]]]], dtype=float32)
    """
    return _average_pooling("average_pooling_2d", x, ksize, stride, pad, 0, 2)


def average_pooling_3d(x, ksize, stride=None, pad=0, pad_value=0):
    """Average pooling of ``(N, C, D, H, W)`` volumes; see :func:`average_pooling_nd`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.average_pooling_nd import average_pooling_3d
        >>> x = np.arange(8, dtype=np.float32).reshape(1, 1, 2, 2, 2)
        >>> average_pooling_3d(x, 2).array.ravel()
        array([3.5], dtype=float32)
    """
    return _average_pooling("average_pooling_3d", x, ksize, stride, pad, pad_value, 3)
