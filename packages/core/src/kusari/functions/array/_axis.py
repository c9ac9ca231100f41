"""Axis checks shared by the array functions (one int axis, in the house error format)."""
from __future__ import annotations

import numpy

from kusari.utils import type_check


def check_axis(func: str, arg: str, axis, ndim: int, of: str = "input") -> int:
    """``axis`` as a non-negative int below ``ndim`` (negative counts from the end).

    ``of`` names the array ``ndim`` belongs to in the message (``"output"``
    where the axis is a new one, as in ``stack``).

    Example:
        >>> from kusari.functions.array._axis import check_axis
        >>> check_axis('flip', 'axis', -1, 3)
        2
    """
    if not isinstance(axis, (int, numpy.integer)) or isinstance(axis, bool):
        type_check.fail(func, arg, "an int", repr(axis))
    if not -ndim <= axis < ndim:
        type_check.fail(func, arg, f"an axis in [{-ndim}, {ndim - 1}] for a {ndim}-dimensional {of}", str(axis))
    return int(axis) % ndim
