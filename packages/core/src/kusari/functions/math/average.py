"""``mean`` (Chainer's ``F.mean`` / ``F.average``): plain or weighted average."""
from __future__ import annotations

from kusari.functions.math.sum import normalize_axis
from kusari.functions.math.sum import sum as _sum
from kusari.utils import type_check


def mean(x, axis=None, weights=None, keepdims=False):
    """Average of ``x`` over ``axis``, optionally weighted.

    Args:
        x: a Variable or array of a floating-point dtype.
        axis: None (all elements), an int, or a tuple of ints (tuples only
            without ``weights``).
        weights: None, or the weights: ``x``'s shape when ``axis`` is None, a
            1-d array of ``x.shape[axis]`` elements when ``axis`` is an int.
            The result is ``sum(x * weights) / sum(weights)``; gradients flow
            into ``weights`` too when it is a Variable.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> x = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
        >>> F.mean(x).array
        array(3.5, dtype=float32)
        >>> F.mean(x, axis=1, weights=np.array([1, 0, 1], np.float32)).array
        array([2., 5.], dtype=float32)
    """
    type_check.expect_float("mean", "x", x)
    if weights is None:
        axes = normalize_axis("mean", axis, x.ndim)
        shape = x.shape
        count = 1
        for a in range(len(shape)) if axes is None else axes:
            count *= shape[a]
        # An empty reduction averages to NaN, as numpy.mean does (without the warning).
        scale = 1.0 / count if count else float("nan")
        return _sum(x, axes, keepdims) * scale

    axes = normalize_axis("mean", axis, x.ndim, allow_tuple=False)
    type_check.expect_same_dtype("mean", "weights", weights, "x", x)
    if axes is None:
        if tuple(weights.shape) != tuple(x.shape):
            type_check.fail("mean", "weights", f"shape {tuple(x.shape)} (the shape of 'x', as axis is None)",
                            str(tuple(weights.shape)))
        w = weights
    else:
        from kusari.functions.array.reshape import reshape

        a, = axes
        if tuple(weights.shape) != (x.shape[a],):
            type_check.fail("mean", "weights", f"shape ({x.shape[a]},) (x.shape[{a}], as axis={axis})",
                            str(tuple(weights.shape)))
        # Multiplying broadcasts the weights along every other axis.
        w = reshape(weights, tuple(x.shape[a] if i == a else 1 for i in range(x.ndim)))
    return _sum(x * w, axes, keepdims) / _sum(weights)


#: Chainer's other name for :func:`mean` (``F.average``).
average = mean
