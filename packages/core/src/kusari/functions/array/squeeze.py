"""``squeeze``: drop axes of length 1 (a reshape, so no copy)."""
from __future__ import annotations

from kusari.functions.array.reshape import reshape
from kusari.functions.math.sum import normalize_axis
from kusari.utils import type_check


def squeeze(x, axis=None):
    """Remove axes of length 1.

    Args:
        x: a Variable or array.
        axis: None (every axis of length 1), an int or a tuple of ints; each
            named axis must have length 1.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.squeeze import squeeze
        >>> squeeze(np.zeros((1, 2, 1), np.float32)).shape
        (2,)
        >>> squeeze(np.zeros((1, 2, 1), np.float32), axis=0).shape
        (2, 1)
    """
    shape = tuple(x.shape)
    axes = normalize_axis("squeeze", axis, len(shape))
    if axes is None:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
    for a in axes:
        if shape[a] != 1:
            type_check.fail("squeeze", "axis", "axes of length 1", f"axis {a} of length {shape[a]} (shape {shape})")
    return reshape(x, tuple(s for i, s in enumerate(shape) if i not in axes))
