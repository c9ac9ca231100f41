"""``max_pooling_nd`` and its 1-, 2- and 3-d forms: the maximum of each window."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.pooling._pooling_nd import pooled_windows, pooling_args
from kusari.functions.pooling._window_ops import IndexScatter


class MaxPoolingND(FunctionNode):
    """Window maxima; keeps only the (small integer) argmax offsets for backward."""

    def __init__(self, windows):
        self._w = windows
        self.indexes = None

    @property
    def label(self):
        return "max_pooling_nd"

    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        w = self._w
        padded = w.pad(xp, x, -xp.inf)
        first, *rest = w.slices
        y = padded[first].copy()
        index = xp.zeros(y.shape, w.index_dtype())
        # Strictly greater keeps the first maximum in row-major window order,
        # the offset a flattened argmax over the window would give.
        for offset, sl in enumerate(rest, 1):
            v = padded[sl]
            hit = v > y
            xp.maximum(y, v, out=y)
            xp.copyto(index, offset, where=hit)
        self.indexes = index
        return y,

    def backward(self, indexes, grad_outputs):
        return IndexScatter(self._w, self.indexes).apply(grad_outputs)


def _max_pooling(func, x, ksize, stride, pad, cover_all, return_indices, ndim=None):
    ksize, stride, pad = pooling_args(func, x, ksize, stride, pad, ndim)
    node = MaxPoolingND(pooled_windows(func, x, ksize, stride, pad, cover_all))
    y, = node.apply((x,))
    if return_indices:
        return y, node.indexes.astype("int64")
    return y


def max_pooling_nd(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False):
    """N-dimensional max pooling over the axes after the second of ``(N, C, d1, ..., dn)``.

    Padding is ``-inf`` (never the maximum). With ``cover_all`` (the default,
    as in Chainer) the last window along an axis may reach past the far edge
    so that every element lies in some window: the output size is
    ``(d + 2p - k + s - 1) // s + 1`` instead of ``(d + 2p - k) // s + 1``.
    The gradient goes to the first maximum of each window.

    Args:
        x: a float Variable or array with at least 3 dimensions.
        ksize: window size, an int or a tuple of n ints.
        stride: an int or a tuple; None (the default) means ``ksize``.
        pad: padding on both sides, an int or a tuple.
        cover_all: see above.
        return_indices: also return, as an int64 array of the output's shape,
            the offset of each window's maximum in that (padded) window,
            flattened in row-major order (for :func:`upsampling_2d`).

    Returns:
        Variable ``y`` (and the indices when ``return_indices``).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.max_pooling_nd import max_pooling_nd
        >>> x = np.arange(8, dtype=np.float32).reshape(1, 1, 2, 2, 2)
        >>> max_pooling_nd(x, 2).array.ravel()
        array([7.], dtype=float32)
    """
    return _max_pooling("max_pooling_nd", x, ksize, stride, pad, cover_all, return_indices)


def max_pooling_1d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False):
    """Max pooling of ``(N, C, W)`` arrays; see :func:`max_pooling_nd`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.max_pooling_nd import max_pooling_1d
        >>> max_pooling_1d(np.array([[[1, 3, 2, 0, 5]]], np.float32), 2).array
        array([[[3., 2., 5.]]], dtype=float32)
    """
    return _max_pooling("max_pooling_1d", x, ksize, stride, pad, cover_all, return_indices, 1)


def max_pooling_2d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False):
    """Max pooling of ``(N, C, H, W)`` images; see :func:`max_pooling_nd`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.max_pooling_nd import max_pooling_2d
        >>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> y, idx = max_pooling_2d(x, 2, return_indices=True)
        >>> y.array
        array([[[[ 5.,  7.],
                 [13., 15.]]]], dtype=float32)
        >>> idx   # offset of the maximum in each flattened 2x2 window
        array([[[[3, 3],
                 [3, 3]]]])
    """
    return _max_pooling("max_pooling_2d", x, ksize, stride, pad, cover_all, return_indices, 2)


def max_pooling_3d(x, ksize, stride=None, pad=0, cover_all=True, return_indices=False):
    """Max pooling of ``(N, C, D, H, W)`` volumes; see :func:`max_pooling_nd`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.max_pooling_nd import max_pooling_3d
        >>> x = np.arange(27, dtype=np.float32).reshape(1, 1, 3, 3, 3)
        >>> max_pooling_3d(x, 2, cover_all=False).array.ravel()
        array([13.], dtype=float32)
    """
    return _max_pooling("max_pooling_3d", x, ksize, stride, pad, cover_all, return_indices, 3)
