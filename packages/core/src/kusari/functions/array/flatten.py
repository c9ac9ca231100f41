"""``flatten``: all elements in one axis (a reshape, so no copy for contiguous input)."""
from __future__ import annotations

from kusari.functions.array.reshape import reshape


def flatten(x):
    """Flatten ``x`` to one dimension (C order).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.flatten import flatten
        >>> flatten(np.arange(6, dtype=np.float32).reshape(2, 3)).array
        array([0., 1., 2., 3., 4., 5.], dtype=float32)
    """
    return reshape(x, (x.size,))
