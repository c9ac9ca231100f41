"""``bias`` and ``scale``: add / multiply a smaller array along a run of axes of ``x``."""
from __future__ import annotations

import numpy

from kusari.utils import type_check


def _expand(func, x, y, axis):
    """``y`` reshaped to line up with ``x.shape[axis:axis + y.ndim]`` and broadcast to ``x.shape``."""
    from kusari.functions.array.broadcast import broadcast_to
    from kusari.functions.array.reshape import reshape

    type_check.expect_float(func, "x", x)
    type_check.expect_float(func, "y", y)
    type_check.expect_same_dtype(func, "y", y, "x", x)
    if not isinstance(axis, (int, numpy.integer)) or isinstance(axis, bool) or not 0 <= axis <= x.ndim - y.ndim:
        type_check.fail(func, "axis", f"an int in [0, {x.ndim - y.ndim}] (x is {x.ndim}-d, y is {y.ndim}-d)",
                        repr(axis))
    axis = int(axis)
    window = tuple(x.shape[axis:axis + y.ndim])
    if tuple(y.shape) != window:
        type_check.fail(func, "y", f"shape {window} (x.shape[{axis}:{axis + y.ndim}])", str(tuple(y.shape)))
    lined_up = (1,) * axis + window + (1,) * (x.ndim - axis - y.ndim)
    return broadcast_to(reshape(y, lined_up), x.shape)


def bias(x, y, axis=1):
    """``x + y`` with ``y`` laid along ``x``'s axes ``axis .. axis + y.ndim - 1``.

    Args:
        x: a floating-point Variable or array.
        y: a Variable or array of x's dtype whose shape equals
            ``x.shape[axis:axis + y.ndim]``.
        axis: the first axis of ``x`` that ``y`` covers.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.bias_scale import bias
        >>> bias(np.zeros((2, 3), np.float32), np.array([1, 2, 3], np.float32)).array
        array([[1., 2., 3.],
               [1., 2., 3.]], dtype=float32)
    """
    return x + _expand("bias", x, y, axis)


def scale(x, y, axis=1):
    """``x * y`` with ``y`` laid along ``x``'s axes ``axis .. axis + y.ndim - 1``.

    Args:
        x: a floating-point Variable or array.
        y: a Variable or array of x's dtype whose shape equals
            ``x.shape[axis:axis + y.ndim]``.
        axis: the first axis of ``x`` that ``y`` covers.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.bias_scale import scale
        >>> scale(np.ones((2, 3), np.float32), np.array([2, 3], np.float32), axis=0).array
        array([[2., 2., 2.],
               [3., 3., 3.]], dtype=float32)
    """
    return x * _expand("scale", x, y, axis)
