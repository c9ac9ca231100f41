"""Input checks shared by the elementwise binary functions (arctan2, maximum, fmod, ...)."""
from __future__ import annotations

from kusari.utils import type_check


def expect_float_pair(func: str, name1: str, x1, name2: str, x2, *, broadcast: bool = True) -> None:
    """Both float, one dtype, and shapes that broadcast (or are equal when ``broadcast`` is False).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math._elementwise_checks import expect_float_pair
        >>> expect_float_pair("fmod", "x", np.ones((2, 3)), "divisor", np.ones(3))
        >>> expect_float_pair("fmod", "x", np.ones(2), "divisor", np.ones(3))
        Traceback (most recent call last):
        ...
        kusari.utils.type_check.InvalidType: fmod: argument 'divisor' expected a shape that broadcasts with (2,) (the shape of 'x'), got (3,)
    """
    type_check.expect_float(func, name1, x1)
    type_check.expect_float(func, name2, x2)
    if x1.dtype != x2.dtype:
        type_check.fail(func, name2, f"dtype {x1.dtype} (the dtype of {name1!r})", str(x2.dtype))
    s1, s2 = tuple(x1.shape), tuple(x2.shape)
    if not broadcast:
        if s1 != s2:
            type_check.fail(func, name2, f"shape {s1} (the shape of {name1!r})", str(s2))
        return
    for a, b in zip(reversed(s1), reversed(s2)):
        if a != b and a != 1 and b != 1:
            type_check.fail(func, name2, f"a shape that broadcasts with {s1} (the shape of {name1!r})", str(s2))
