"""Small helpers: ``force_array``, ``force_type``, ``sum_to``, ``type_check``, ``WalkerAlias``,
``get_num_threads`` / ``set_num_threads``.

Example:
    >>> import numpy as np
    >>> from kusari import utils
    >>> utils.sum_to(np.ones((2, 3)), (1, 3))
    array([[2., 2., 2.]])
"""
from __future__ import annotations

import numpy

from kusari.utils import type_check  # noqa: F401
from kusari.utils.walker_alias import WalkerAlias  # noqa: F401


def force_array(x, dtype=None):
    """Turn NumPy scalars (what 0-d reductions return) back into 0-d arrays.

    Example:
        >>> import numpy as np
        >>> from kusari.utils import force_array
        >>> type(force_array(np.float32(1)))
        <class 'numpy.ndarray'>
    """
    if isinstance(x, numpy.generic):
        return numpy.asarray(x, dtype=dtype)
    if dtype is not None and x.dtype != dtype:
        return x.astype(dtype, copy=False)
    return x


def force_type(dtype, value):
    """Cast a scalar or array to ``dtype`` (keeps float32 math in float32 under NEP 50)."""
    if isinstance(value, numpy.ndarray) or hasattr(value, "dtype"):
        return value if value.dtype == dtype else value.astype(dtype, copy=False)
    return numpy.dtype(dtype).type(value)


def sum_to(x, shape):
    """Sum ``x`` down to ``shape`` (the reverse of broadcasting).

    Example:
        >>> import numpy as np
        >>> from kusari.utils import sum_to
        >>> sum_to(np.ones((2, 3)), (3,))
        array([2., 2., 2.])
    """
    if x.shape == tuple(shape):
        return x
    ndim = len(shape)
    lead = x.ndim - ndim
    lead_axes = tuple(range(lead))
    axes = tuple(i + lead for i, s in enumerate(shape) if s == 1 and x.shape[i + lead] != 1)
    y = x.sum(lead_axes + axes, keepdims=True)
    if lead > 0:
        y = y.reshape(y.shape[lead:])
    return y


def size_of_shape(shape) -> int:
    size = 1
    for s in shape:
        size *= s
    return size


def _xp(*arrays):
    """numpy for NumPy arrays (the fast path), else the backend's module."""
    for a in arrays:
        if a is not None and type(a) is not numpy.ndarray and not isinstance(a, (int, float, numpy.generic)):
            from kusari import backend

            return backend.get_array_module(a)
    return numpy


def get_num_threads() -> int:
    """How many threads kusari splits a large NumPy elementwise pass over.

    The default is ``KUSARI_NUM_THREADS``, else ``OMP_NUM_THREADS``, else
    the CPUs this process may use.  BLAS (matrix products) has its own
    threads and settings.

    Example:
        >>> from kusari import utils
        >>> utils.get_num_threads() >= 1
        True
    """
    from kusari import _parallel

    return _parallel.threads()


def set_num_threads(n: int) -> None:
    """Split large NumPy elementwise passes over ``n`` threads (1: never split).

    Results do not depend on ``n``: each thread computes whole rows (or
    blocks of elements) exactly as the serial pass does.

    Example:
        >>> from kusari import utils
        >>> before = utils.get_num_threads()
        >>> utils.set_num_threads(1); utils.get_num_threads()
        1
        >>> utils.set_num_threads(before)
    """
    from kusari import _parallel

    _parallel.set_threads(n)
