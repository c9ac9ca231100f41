"""``sign``, ``ceil``, ``floor``, ``fix``: piecewise-constant, so not part of the graph.

As in Chainer, each returns a new Variable that does not require a gradient
and has no creator: the true derivative is zero almost everywhere, and
recording a node only to send zeros back would cost memory for nothing.
Integer inputs are accepted and keep their dtype.
"""
from __future__ import annotations

from kusari import utils
from kusari.utils import type_check
from kusari.variable import Variable, as_array


def _apply(name: str, x) -> Variable:
    data = as_array(x)
    if data.dtype.kind not in "iuf":
        type_check.fail(name, "x", "an integer or floating-point dtype", str(data.dtype))
    result = getattr(utils._xp(data), name)(data)
    return Variable._from_array(utils.force_array(result, data.dtype), False)


def sign(x):
    """Elementwise sign: -1, 0 or 1, in ``x``'s dtype; no gradient flows through it.

    Args:
        x: a Variable or array of integers or floats.

    Returns:
        A Variable (``requires_grad=False``, no creator) of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.rounding import sign
        >>> sign(np.array([-2.5, 0, 3], np.float32)).array
        array([-1.,  0.,  1.], dtype=float32)
    """
    return _apply("sign", x)


def ceil(x):
    """Elementwise ceiling (the smallest integer ``>= x``), in ``x``'s dtype; no gradient.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.rounding import ceil
        >>> ceil(np.array([-1.5, 0.2], np.float32)).array
        array([-1.,  1.], dtype=float32)
    """
    return _apply("ceil", x)


def floor(x):
    """Elementwise floor (the largest integer ``<= x``), in ``x``'s dtype; no gradient.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.rounding import floor
        >>> floor(np.array([-1.5, 0.2], np.float32)).array
        array([-2.,  0.], dtype=float32)
    """
    return _apply("floor", x)


def fix(x):
    """Elementwise rounding toward zero, in ``x``'s dtype; no gradient.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.rounding import fix
        >>> fix(np.array([-1.5, 1.5], np.float32)).array
        array([-1.,  1.], dtype=float32)
    """
    return _apply("fix", x)
