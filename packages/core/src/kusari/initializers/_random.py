"""Random draws shared by the random initializers.

NumPy arrays draw from ``numpy.random`` (the global RNG, so
``numpy.random.seed`` reproduces an initialisation, with the same numbers as
Chainer for the same seed) unless an ``rng`` was given; arrays of another
backend draw from that backend's ``xp.random``.
"""
from __future__ import annotations

import numpy

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
