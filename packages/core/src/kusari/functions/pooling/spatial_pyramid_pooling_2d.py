"""``spatial_pyramid_pooling_2d``: max pooling into 1, 2x2, 4x4, ... bins, concatenated."""
from __future__ import annotations

import numpy

from kusari.functions.array.concat import concat
from kusari.functions.array.reshape import reshape
from kusari.functions.pooling.max_pooling_nd import max_pooling_2d
from kusari.utils import type_check


def _level_geometry(size, bins):
    """Window size ``ceil(size / bins)`` and the padding that centres the bins (Chainer's choice)."""
    k = -(-size // bins)
    return k, (k * bins - size) // 2


def spatial_pyramid_pooling_2d(x, pyramid_height, pooling=None):
    """A fixed-length feature from any image size: max pooling at ``pyramid_height`` levels.

    Level ``l`` (from 0) pools ``(N, C, H, W)`` with window ``ceil(H / 2**l)``
    by ``ceil(W / 2**l)``, stride the window, padding half the remainder and
    ``cover_all``; each level's output is flattened to ``(N, C*h*w, 1, 1)`` and
    the levels are concatenated along axis 1: ``(N, C * sum(4**l), 1, 1)``
    when every level has ``2**l`` bins a side.

    Args:
        x: a float Variable or array ``(N, C, H, W)``.
        pyramid_height: the number of levels, a positive int.
        pooling: ``'max'``, the only one there is.  Chainer 7 raised on the
            default None; here None means ``'max'``.

    Returns:
        Variable of shape ``(N, C * sum of bins, 1, 1)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.pooling.spatial_pyramid_pooling_2d import spatial_pyramid_pooling_2d
        >>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> spatial_pyramid_pooling_2d(x, 2, 'max').array.ravel()
        array([15.,  5.,  7., 13., 15.], dtype=float32)
    """
    name = "spatial_pyramid_pooling_2d"
    type_check.expect_ndim(name, "x", x, 4)
    type_check.expect_float(name, "x", x)
    if isinstance(pyramid_height, bool) or not isinstance(pyramid_height, (int, numpy.integer)) or pyramid_height < 1:
        type_check.fail(name, "pyramid_height", "a positive int", repr(pyramid_height))
    if pooling not in (None, "max"):
        type_check.fail(name, "pooling", "'max' (or None)", repr(pooling))
    n, c, h, w = x.shape
    levels = []
    for level in range(pyramid_height):
        (kh, ph), (kw, pw) = _level_geometry(h, 2 ** level), _level_geometry(w, 2 ** level)
        y = max_pooling_2d(x, (kh, kw), None, (ph, pw), True)
        levels.append(reshape(y, (n, -1, 1, 1)))
    return concat(levels, axis=1)
