"""``select_item``: one element per row, ``x[i, t[i]]`` (e.g. the score of each target class)."""
from __future__ import annotations

from kusari import utils
from kusari.functions.array.get_item import get_item
from kusari.utils import type_check
from kusari.variable import Variable


def select_item(x, t):
    """Pick ``x[i, t[i]]`` for every row ``i``.

    Args:
        x: a Variable or array of shape (B, N).
        t: an integer array (or Variable) of shape (B,) with values in
            ``[0, N)``; it gets no gradient.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.select_item import select_item
        >>> x = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
        >>> select_item(x, np.array([2, 0], np.int32)).array
        array([3., 4.], dtype=float32)
    """
    if isinstance(t, Variable):
        t = t.array
    type_check.expect_ndim("select_item", "x", x, 2)
    type_check.expect_int("select_item", "t", t)
    batch, n = x.shape
    type_check.expect_shape("select_item", "t", t, (batch,), "(the batch size of x)")
    # NumPy would wrap negative labels around silently; a label outside [0, N) is a bug.
    if batch and (int(t.min()) < 0 or int(t.max()) >= n):
        type_check.fail("select_item", "t", f"values in [0, {n})", f"values in [{int(t.min())}, {int(t.max())}]")
    return get_item(x, (utils._xp(t).arange(batch), t))
