"""``relu6``: ``min(max(x, 0), 6)``."""
from __future__ import annotations

from kusari.functions.activation.clipped_relu import _clipped


def relu6(x):
    """Rectifier capped at 6: ``min(max(x, 0), 6)``, i.e. ``clipped_relu(x, 6)``.

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.relu6 import relu6
        >>> relu6(np.array([-1.0, 3.0, 8.0], np.float32)).array
        array([0., 3., 6.], dtype=float32)
    """
    return _clipped("relu6", x, 6.0)
