"""``separate``: unstack ``x`` along an axis into a tuple (the inverse of ``stack``)."""
from __future__ import annotations

from kusari.functions.array._axis import check_axis
from kusari.functions.array.reshape import reshape
from kusari.functions.array.split_axis import split_axis


def separate(x, axis=0):
    """Split ``x`` into ``x.shape[axis]`` Variables, each without that axis.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.separate import separate
        >>> a, b = separate(np.array([[1, 2], [3, 4]], np.float32))
        >>> b.array
        array([3., 4.], dtype=float32)
        >>> [v.shape for v in separate(np.zeros((2, 3), np.float32), axis=1)]
        [(2,), (2,), (2,)]
    """
    axis = check_axis("separate", "axis", axis, x.ndim)
    shape = tuple(x.shape)
    rest = shape[:axis] + shape[axis + 1:]
    pieces = split_axis(x, shape[axis], axis, force_tuple=True)
    return tuple(reshape(p, rest) for p in pieces)
