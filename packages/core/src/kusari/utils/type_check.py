"""Input checks with messages that name the function, the argument, and what was expected.

Every built-in function validates its inputs through these helpers, so a bad
call fails at the call with, e.g.::

    linear: argument 'x' expected shape (N, 3) (in_size of W), got (2, 4)

``InvalidType`` subclasses ``TypeError``, as Chainer's does.

Example:
    >>> import numpy as np
    >>> from kusari.utils import type_check
    >>> type_check.expect_ndim('relu', 'x', np.zeros((2, 3)), 2)
    >>> type_check.expect_ndim('relu', 'x', np.zeros(3), 2)
    Traceback (most recent call last):
    ...
    kusari.utils.type_check.InvalidType: relu: argument 'x' expected 2 dimensions, got 1 (shape (3,))
"""
from __future__ import annotations

import numpy


class InvalidType(TypeError):
    """Raised when a function gets an input of the wrong shape or dtype."""

    def __init__(self, message: str, expect: str = "", actual: str = ""):
        super().__init__(message)
        self.expect = expect
        self.actual = actual


def fail(func: str, arg: str, expected: str, actual: str) -> None:
    """Raise ``InvalidType`` in the house format."""
    raise InvalidType(f"{func}: argument {arg!r} expected {expected}, got {actual}", expected, actual)


def expect_ndim(func: str, arg: str, array, ndim: int) -> None:
    if array.ndim != ndim:
        fail(func, arg, f"{ndim} dimensions", f"{array.ndim} (shape {tuple(array.shape)})")


def expect_min_ndim(func: str, arg: str, array, ndim: int) -> None:
    if array.ndim < ndim:
        fail(func, arg, f"at least {ndim} dimensions", f"{array.ndim} (shape {tuple(array.shape)})")


def expect_float(func: str, arg: str, array) -> None:
    if array.dtype.kind != "f":
        fail(func, arg, "a floating-point dtype (float16/32/64)", str(array.dtype))


def expect_int(func: str, arg: str, array) -> None:
    if array.dtype.kind not in "iu":
        fail(func, arg, "an integer dtype (e.g. int32)", str(array.dtype))


def expect_same_dtype(func: str, arg: str, array, ref_arg: str, ref) -> None:
    if array.dtype != ref.dtype:
        fail(func, arg, f"dtype {ref.dtype} (the dtype of {ref_arg!r})", str(array.dtype))


def expect_shape(func: str, arg: str, array, shape, note: str = "") -> None:
    """``shape`` may contain None for "any size" in that axis."""
    actual = tuple(array.shape)
    ok = len(actual) == len(shape) and all(e is None or e == a for e, a in zip(shape, actual))
    if not ok:
        shown = "(" + ", ".join("N" if e is None else str(e) for e in shape) + ("," if len(shape) == 1 else "") + ")"
        fail(func, arg, f"shape {shown}{' ' + note if note else ''}", str(actual))


def same_types(*arrays) -> bool:
    """Whether all arrays are of one array type (all numpy or all cupy)."""
    return len({type(a) for a in arrays}) <= 1


def argname(in_types, names) -> None:
    """Chainer compatibility: accepted and ignored (names are passed explicitly here)."""


def is_float(dtype) -> bool:
    return numpy.dtype(dtype).kind == "f"
