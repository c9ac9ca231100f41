"""``crelu``: the concatenated ReLU, ``concat(relu(x), relu(-x))``."""
from __future__ import annotations

from kusari.functions.activation.relu import relu
from kusari.functions.array.concat import concat
from kusari.utils import type_check
from kusari.variable import as_variable


def crelu(x, axis=1):
    """Concatenated ReLU: ``relu(x)`` and ``relu(-x)`` joined along ``axis``.

    The output has twice ``x``'s size along ``axis``.

    Args:
        x: a float Variable or array.
        axis: the axis to concatenate along.

    Returns:
        Variable of ``x``'s dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.crelu import crelu
        >>> crelu(np.array([[-1.0, 2.0]], np.float32)).array
        array([[0., 2., 1., 0.]], dtype=float32)
    """
    type_check.expect_float("crelu", "x", x)
    if not -x.ndim <= axis < x.ndim:
        type_check.fail("crelu", "axis", f"an axis of a {x.ndim}-dimensional x", repr(axis))
    x = as_variable(x)
    return concat((relu(x), relu(-x)), axis=axis)
