"""Random draws shared by the random initializers.

NumPy arrays draw from ``numpy.random`` (the global RNG, so
``numpy.random.seed`` reproduces an initialisation, with the same numbers as
Chainer for the same seed) unless an ``rng`` was given; arrays of another
backend draw from that backend's ``xp.random``.
"""
from __future__ import annotations

import numpy

from kusari.initializer import Initializer
from kusari.utils import type_check


def check_dtype(name: str, initializer, array) -> None:
    """An initializer with a fixed dtype only fills arrays of that dtype."""
    dtype = initializer.dtype
    if dtype is not None and array.dtype != dtype:
        type_check.fail(name, "array", f"dtype {dtype} (the initializer's dtype)", str(array.dtype))


def fill(array, rng, draw: str, **kwargs) -> None:
    """Fill ``array`` with ``rng.<draw>(**kwargs, size=array.shape)``."""
    if rng is None:
        if type(array) is numpy.ndarray:
            rng = numpy.random
        else:
            from kusari import backend

            rng = backend.get_array_module(array).random
    values = getattr(rng, draw)(size=array.shape, **kwargs)
    if type(array) is numpy.ndarray or type(values) is not numpy.ndarray:
        array[...] = values
    else:
        # A host RNG filling a device array.
        from kusari import backend

        backend.copyto(array, values.astype(array.dtype, copy=False))


class ScaledRandom(Initializer):
    """Base of the random initializers: U[-s, s) or N(0, s²), ``s = self.spread(shape)``.

    A subclass picks the distribution (``draw``) and, if ``s`` depends on the
    weight's fans, overrides :meth:`spread`; the public classes stay separate
    (no subclassing between them) so ``isinstance`` checks mean what they did.

    Example:
        >>> import numpy as np
        >>> from kusari.initializers._random import ScaledRandom
        >>> class Half(ScaledRandom):
        ...     draw = "uniform"
        >>> a = np.empty((50, 50), np.float32); Half(0.5)(a)
        >>> bool(abs(a).max() <= 0.5), Half(0.5)
        (True, Half(scale=0.5))
    """

    draw = "normal"  # or "uniform"

    def __init__(self, scale=1.0, dtype=None, *, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def spread(self, shape):
        """Half-width (uniform) or standard deviation (normal) for a weight of ``shape``."""
        return self.scale

    def __call__(self, array):
        check_dtype(type(self).__name__, self, array)
        s = self.spread(array.shape)
        if self.draw == "uniform":
            fill(array, self.rng, "uniform", low=-s, high=s)
        else:
            fill(array, self.rng, "normal", loc=0.0, scale=s)

    def __repr__(self):
        return f"{type(self).__name__}(scale={self.scale})"
