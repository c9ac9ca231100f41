"""What the npz and HDF5 (de)serializers share: converting values to store and
putting loaded values back (arrays in place, scalars by return value).

Example:
    >>> import numpy as np
    >>> from kusari.serializers._common import to_storable, restore
    >>> to_storable('t', 3), to_storable('flag', True).dtype
    (array(3), dtype('bool'))
    >>> w = np.zeros(2, np.float32)
    >>> restore('load_npz', 'W', 'm.npz', np.ones(2), w) is w, w
    (True, array([1., 1.], dtype=float32))
"""
from __future__ import annotations

import numpy

from kusari.serializers._archive import is_none_marker
from kusari.utils import type_check

_SCALARS = (bool, int, float, complex, str, bytes, numpy.generic)


def to_storable(key: str, value, func: str = "DictionarySerializer"):
    """The host (NumPy) form of a value to save; None becomes the 0-d object marker.

    Python scalars keep NumPy's natural dtypes, as Chainer stored them:
    ``int`` -> int64, ``float`` -> float64, ``bool`` -> bool.
    """
    if value is None:
        return numpy.asarray(None)
    if type(value) is numpy.ndarray:
        return value  # no copy: the dict aliases the live arrays, as in Chainer
    if isinstance(value, _SCALARS):
        return numpy.asarray(value)
    from kusari import backend

    if backend.is_array_supported(value):
        return backend.CPU_DEVICE.send(value)
    type_check.fail(func, "value", "an array, a Python scalar, a string or None",
                    f"{type(value).__module__}.{type(value).__qualname__} (key {key!r})")


def restore(func: str, key: str, filename: str, loaded, value):
    """Put a loaded host array ``loaded`` back as the type of ``value``.

    * ``loaded`` is the None marker: returns None, ``value`` untouched;
    * ``value`` None: returns the loaded array;
    * ``value`` an array: copied in place (exact shape required) and returned;
    * otherwise ``value`` is a scalar: the loaded value converted to its type,
      refusing lossy casts (a float file value for an ``int``).
    """
    if is_none_marker(loaded):
        return None
    if value is None:
        return loaded
    if isinstance(value, numpy.ndarray):
        _check_shape(func, key, filename, loaded, value)
        numpy.copyto(value, loaded)
        return value
    if not isinstance(value, _SCALARS):
        from kusari import backend

        if backend.is_array_supported(value):  # cupy and other device arrays
            _check_shape(func, key, filename, loaded, value)
            backend.copyto(value, numpy.asarray(loaded, dtype=value.dtype))
            return value
    return _restore_scalar(func, key, filename, numpy.asarray(loaded), value)


def _check_shape(func, key, filename, loaded, value) -> None:
    loaded_shape = tuple(numpy.shape(loaded))
    if loaded_shape != tuple(value.shape):
        from kusari.serializer import fail_value

        fail_value(func, key, f"shape {tuple(value.shape)} (the shape of the object's array)",
                   f"{loaded_shape} in {filename!r}")


def _restore_scalar(func, key, filename, arr, value):
    value_type = type(value)
    kind = arr.dtype.kind
    if kind in "SU" or arr.dtype == object:
        item = arr[()] if arr.shape == () else arr
        if isinstance(item, bytes) and value_type is str:
            return item.decode("utf-8")
        return value_type(item)
    numeric = kind in "biufc"
    if numeric and not (kind in "iu" and value_type is int):
        # int() of a NumPy integer is exact at any width; everything else
        # must be a safe cast (no float into int, no float64 into bool).
        if not numpy.can_cast(arr.dtype, value_type, casting="safe"):
            type_check.fail(func, key, f"a value that casts safely to {value_type.__name__}",
                            f"dtype {arr.dtype} in {filename!r}")
    return value_type(arr)
