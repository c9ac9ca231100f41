"""What the losses elementwise in two same-shaped inputs share: the input check and ``reduce``.

Example:
    >>> import numpy as np
    >>> from kusari.functions.loss._elementwise import check_matching_pair
    >>> check_matching_pair("f", "x0", np.zeros(2, np.float32), "x1", np.zeros(3, np.float32))
    Traceback (most recent call last):
    ...
    kusari.utils.type_check.InvalidType: f: argument 'x1' expected shape (2,) (the shape of 'x0'), got (3,)
"""
from __future__ import annotations

from kusari.functions.math.sum import sum as sum_all
from kusari.utils import type_check
from kusari.variable import as_array


def check_matching_pair(func: str, first: str, a, second: str, b) -> None:
    """``a`` (argument ``first``) is floating point; ``b`` (argument ``second``) has its dtype and shape."""
    a, b = as_array(a), as_array(b)
    type_check.expect_float(func, first, a)
    type_check.expect_same_dtype(func, second, b, first, a)
    type_check.expect_shape(func, second, b, a.shape, f"(the shape of '{first}')")


def check_reduce(func: str, reduce) -> None:
    if reduce not in ("sum", "mean", "no"):
        raise ValueError(f"{func}: argument 'reduce' expected 'sum', 'mean' or 'no', got {reduce!r}")


def reduce_elements(elems, reduce: str):
    """``elems`` themselves (``'no'``), their sum, or their mean (0 elements: a mean of 0)."""
    if reduce == "no":
        return elems
    total = sum_all(elems)
    return total if reduce == "sum" else total * (1.0 / max(elems.size, 1))
