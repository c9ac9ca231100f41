"""``maxout``: the maximum over consecutive groups of ``pool_size`` channels."""
from __future__ import annotations

import operator

from kusari.functions.array.reshape import reshape
from kusari.functions.math.minmax import max as max_over
from kusari.utils import type_check


def maxout(x, pool_size, axis=1):
    """Maxout: split ``axis`` into groups of ``pool_size`` and keep each group's maximum.

    Channels ``[k * pool_size, (k + 1) * pool_size)`` form output channel
    ``k``; the output's ``axis`` is ``x.shape[axis] // pool_size`` long.

    Args:
        x: a float Variable or array.
        pool_size: the group size; must divide ``x.shape[axis]``.
        axis: the axis to pool over.

    Returns:
        Variable of ``x``'s dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.maxout import maxout
        >>> maxout(np.array([[1.0, 4.0, 3.0, 2.0]], np.float32), 2).array
        array([[4., 3.]], dtype=float32)
    """
    type_check.expect_float("maxout", "x", x)
    try:
        pool_size = operator.index(pool_size)
    except TypeError:
        type_check.fail("maxout", "pool_size", "a positive integer", repr(pool_size))
    if pool_size <= 0:
        type_check.fail("maxout", "pool_size", "a positive integer", repr(pool_size))
    if not -x.ndim <= axis < x.ndim:
        type_check.fail("maxout", "axis", f"an axis of a {x.ndim}-dimensional x", repr(axis))
    axis %= x.ndim
    channels = x.shape[axis]
    if channels % pool_size:
        type_check.fail("maxout", "x", f"shape[{axis}] divisible by pool_size={pool_size}",
                        f"shape {tuple(x.shape)}")
    grouped = tuple(x.shape[:axis]) + (channels // pool_size, pool_size) + tuple(x.shape[axis + 1:])
    return max_over(reshape(x, grouped), axis=axis + 1)
