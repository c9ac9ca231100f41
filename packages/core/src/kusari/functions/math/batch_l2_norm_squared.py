"""``batch_l2_norm_squared``: the squared L2 norm of each sample of a batch."""
from __future__ import annotations

from kusari.utils import type_check


def batch_l2_norm_squared(x):
    """``sum(x[i] ** 2)`` for each sample ``i`` (axis 0 is the batch).

    Args:
        x: a floating-point Variable or array with at least 2 dimensions.

    Returns:
        A 1-d Variable of length ``x.shape[0]``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.batch_l2_norm_squared import batch_l2_norm_squared
        >>> batch_l2_norm_squared(np.array([[3, 4], [1, 2]], np.float32)).array
        array([25.,  5.], dtype=float32)
    """
    from kusari.functions.math.sum import sum as sum_

    type_check.expect_float("batch_l2_norm_squared", "x", x)
    type_check.expect_min_ndim("batch_l2_norm_squared", "x", x, 2)
    return sum_(x * x, axis=tuple(range(1, x.ndim)))
