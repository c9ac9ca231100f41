"""``Identity``: a scaled identity matrix."""
from __future__ import annotations

from kusari import utils
from kusari.initializer import Initializer
from kusari.initializers._random import check_dtype
from kusari.utils import type_check


class Identity(Initializer):
    """Fill a square matrix with ``scale`` times the identity.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((2, 2), np.float32)
        >>> initializers.Identity(3.0)(a); a
        array([[3., 0.],
               [0., 3.]], dtype=float32)
    """

    def __init__(self, scale=1.0, dtype=None):
        super().__init__(dtype)
        self.scale = scale

    def __call__(self, array):
        check_dtype("Identity", self, array)
        shape = tuple(array.shape)
        if len(shape) != 2 or shape[0] != shape[1]:
            type_check.fail("Identity", "array", "a square 2-dimensional array", f"shape {shape}")
        xp = utils._xp(array)
        array[...] = xp.identity(shape[0], dtype=array.dtype) * self.scale

    def __repr__(self):
        return f"Identity(scale={self.scale})"
