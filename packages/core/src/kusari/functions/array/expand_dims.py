"""``expand_dims``: insert an axis of length 1 (a reshape, so no copy)."""
from __future__ import annotations

from kusari.functions.array._axis import check_axis
from kusari.functions.array.reshape import reshape


def expand_dims(x, axis):
    """Insert a new axis of length 1 at position ``axis`` of the output.

    Args:
        x: a Variable or array.
        axis: where the new axis goes, in ``[-x.ndim - 1, x.ndim]``
            (negative counts from the end of the output, as in NumPy).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.expand_dims import expand_dims
        >>> expand_dims(np.zeros((2, 3), np.float32), 1).shape
        (2, 1, 3)
        >>> expand_dims(np.zeros((2, 3), np.float32), -1).shape
        (2, 3, 1)
    """
    # The output has ndim + 1 axes, so the valid range is that of the output.
    axis = check_axis("expand_dims", "axis", axis, x.ndim + 1, of="output")
    shape = tuple(x.shape)
    return reshape(x, shape[:axis] + (1,) + shape[axis:])
