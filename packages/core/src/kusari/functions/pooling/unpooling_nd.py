"""``unpooling_nd`` and its 1-, 2- and 3-d forms: copy each value over its window."""
from __future__ import annotations

from kusari.functions.pooling._pooling_nd import pooling_args, unpooled_windows
from kusari.functions.pooling._window_ops import Unpool


def _unpooling(func, x, ksize, stride, pad, outsize, cover_all, ndim=None):
    ksize, stride, pad = pooling_args(func, x, ksize, stride, pad, ndim)
    y, = Unpool(unpooled_windows(func, x, ksize, stride, pad, outsize, cover_all)).apply((x,))
    return y


def unpooling_nd(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Inverse of pooling: spread each element of ``(N, C, d1, ..., dn)`` over its window.

    Element ``i`` is added to every output position of window ``i`` (the
    windows of pooling the output with the same ``ksize``, ``stride``,
    ``pad`` and ``cover_all``), so overlapping windows add up; padding is
    cut off.

    Args:
        x: a float Variable or array with at least 3 dimensions.
        ksize: window size, an int or a tuple of n ints.
        stride: an int or a tuple; None (the default) means ``ksize``.
        pad: an int or a tuple.
        outsize: the output's spatial shape; None (the default) means the
            smallest one whose pooling has ``x``'s shape.  Pooling an
            ``outsize`` array must give ``x``'s spatial shape.
        cover_all: whether the matching pooling used ``cover_all``.

    Returns:
        Variable of shape ``(N, C) + outsize``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.unpooling_nd import unpooling_nd
        >>> unpooling_nd(np.array([[[1, 2]]], np.float32), 2, cover_all=False).array
        array([[[1., 1., 2., 2.]]], dtype=float32)
    """
    return _unpooling("unpooling_nd", x, ksize, stride, pad, outsize, cover_all)


def unpooling_1d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Unpooling of ``(N, C, W)`` arrays; see :func:`unpooling_nd`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.unpooling_nd import unpooling_1d
        >>> unpooling_1d(np.array([[[1, 2]]], np.float32), 3, 2, cover_all=False).array
        array([[[1., 1., 3., 2., 2.]]], dtype=float32)
    """
    return _unpooling("unpooling_1d", x, ksize, stride, pad, outsize, cover_all, 1)


def unpooling_2d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Unpooling of ``(N, C, H, W)`` images; see :func:`unpooling_nd`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.unpooling_nd import unpooling_2d
        >>> x = np.array([[[[1, 2], [3, 4]]]], np.float32)
        >>> unpooling_2d(x, 2, outsize=(4, 4)).array
        array([[[[1., 1., 2., 2.],
                 [1., 1., 2., 2.],
                 [3., 3., 4., 4.],
                 [3., 3., 4., 4.]]]], dtype=float32)
    """
    return _unpooling("unpooling_2d", x, ksize, stride, pad, outsize, cover_all, 2)


def unpooling_3d(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    """Unpooling of ``(N, C, D, H, W)`` volumes; see :func:`unpooling_nd`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.unpooling_nd import unpooling_3d
        >>> unpooling_3d(np.ones((1, 1, 1, 1, 1), np.float32), 2, cover_all=False).shape
        (1, 1, 2, 2, 2)
    """
    return _unpooling("unpooling_3d", x, ksize, stride, pad, outsize, cover_all, 3)
