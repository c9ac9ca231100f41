"""``upsampling_2d``: put each value back where ``max_pooling_2d`` found it."""
from __future__ import annotations

from kusari.functions.pooling._pooling_nd import pooling_args, unpooled_windows
from kusari.functions.pooling._window_ops import IndexScatter
from kusari.utils import type_check


def upsampling_2d(x, indexes, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Inverse of ``max_pooling_2d``: each value goes to its window's recorded maximum, the rest is 0.

    Args:
        x: a float Variable or array ``(N, C, h, w)``.
        indexes: the integer array of ``x``'s shape that
            ``max_pooling_2d(..., return_indices=True)`` returned: the offset
            of each value in its flattened ``kh x kw`` window.
        ksize, stride, pad, cover_all: those of the pooling.
        outsize: ``(H, W)`` of the output; None (the default) means the
            smallest size whose pooling has shape ``(h, w)``.

    Returns:
        Variable of shape ``(N, C, H, W)``; overlapping windows add up.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.max_pooling_nd import max_pooling_2d
        >>> from kusari.functions.pooling.upsampling_2d import upsampling_2d
        >>> x = np.array([[[[1, 5], [3, 2]]]], np.float32)
        >>> y, idx = max_pooling_2d(x, 2, return_indices=True)
        >>> upsampling_2d(y, idx, 2, outsize=(2, 2)).array
        array([[[[0., 5.],
                 [0., 0.]]]], dtype=float32)
    """
    name = "upsampling_2d"
    ksize, stride, pad = pooling_args(name, x, ksize, stride, pad, 2)
    type_check.expect_int(name, "indexes", indexes)
    type_check.expect_shape(name, "indexes", indexes, tuple(x.shape), "(the shape of 'x')")
    windows = unpooled_windows(name, x, ksize, stride, pad, outsize, cover_all)
    if indexes.size and not (0 <= int(indexes.min()) and int(indexes.max()) < windows.size):
        type_check.fail(name, "indexes", f"offsets in [0, {windows.size})",
                        f"values in [{int(indexes.min())}, {int(indexes.max())}]")
    y, = IndexScatter(windows, indexes).apply((x,))
    return y
