"""Helpers the built-in update rules share.

Example:
    >>> import numpy as np
    >>> from kusari.optimizers._common import zeros_like
    >>> zeros_like(np.ones((2, 3), np.float32)).dtype
    dtype('float32')
"""
from __future__ import annotations

import functools

import numpy

from kusari.serializer import fail_value


def zeros_like(arr):
    """Zeros of ``arr``'s shape, dtype and array module."""
    if type(arr) is numpy.ndarray:
        return numpy.zeros_like(arr)
    from kusari import backend

    return backend.get_array_module(arr).zeros_like(arr)


def ones_like(arr):
    """Ones of ``arr``'s shape, dtype and array module."""
    if type(arr) is numpy.ndarray:
        return numpy.ones_like(arr)
    from kusari import backend

    return backend.get_array_module(arr).ones_like(arr)


def check_eps(optimizer_name: str, eps, dtype) -> None:
    """Refuse an ``eps`` that rounds to zero in the parameter's dtype (1e-8 in float16)."""
    if eps != 0 and not _representable(eps, dtype):
        fail_value(optimizer_name, "eps", f"a value representable in {numpy.dtype(dtype).name} "
                   f"(it rounds to 0 there)", repr(eps))


@functools.lru_cache(maxsize=64)
def _representable(eps, dtype) -> bool:
    # Called on every update: cached per (eps, dtype).
    return bool(numpy.dtype(dtype).type(eps) != 0)


def set_hyperparams(hyperparam, **values) -> None:
    """Set the entries that are not None (a rule's own overrides)."""
    for key, value in values.items():
        if value is not None:
            setattr(hyperparam, key, value)
