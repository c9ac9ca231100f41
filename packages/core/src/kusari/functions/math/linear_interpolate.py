"""``linear_interpolate``: ``p * x + (1 - p) * y`` elementwise."""
from __future__ import annotations

from kusari.utils import type_check


def linear_interpolate(p, x, y):
    """Elementwise interpolation ``p * x + (1 - p) * y``; all three share one shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.linear_interpolate import linear_interpolate
        >>> p = np.array([0, 0.25, 1], np.float32)
        >>> linear_interpolate(p, np.full(3, 4, np.float32), np.zeros(3, np.float32)).array
        array([0., 1., 4.], dtype=float32)
    """
    type_check.expect_float("linear_interpolate", "p", p)
    for name, v in (("x", x), ("y", y)):
        type_check.expect_same_dtype("linear_interpolate", name, v, "p", p)
        type_check.expect_shape("linear_interpolate", name, v, tuple(p.shape), "(the shape of 'p')")
    from kusari.functions.math.basic_math import add, mul, rsub

    # Written as two products (not y + p (x - y)) so p = 1 gives x and p = 0
    # gives y exactly.
    return add(mul(p, x), mul(rsub(p, 1.0), y))
