"""``Initializer``: the base class of parameter initializers."""
from __future__ import annotations

import numpy


class Initializer:
    """Fills an array in place: ``initializer(array)``.

    Args:
        dtype: the dtype of arrays it makes (None: ``kusari.config.dtype``).

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty(3, np.float32); initializers.Constant(2.0)(a); a
        array([2., 2., 2.], dtype=float32)
    """

    def __init__(self, dtype=None):
        self.dtype = None if dtype is None else numpy.dtype(dtype)

    def __call__(self, array):
        raise NotImplementedError


def get_fans(shape):
    """(fan_in, fan_out) of a weight of ``shape``: ``(out, in, *kernel)``.

    Example:
        >>> from kusari.initializer import get_fans
        >>> get_fans((3, 4, 2, 2))
        (16, 12)
    """
    if len(shape) < 2:
        raise ValueError(f"get_fans: expected a shape with at least 2 dimensions, got {tuple(shape)}")
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return shape[1] * receptive, shape[0] * receptive
