"""``swish``: ``x * sigmoid(beta * x)`` with a learnable ``beta``."""
from __future__ import annotations

from kusari.functions.activation.sigmoid import sigmoid
from kusari.functions.array.broadcast import broadcast_to
from kusari.functions.array.reshape import reshape
from kusari.utils import type_check


def _broadcast_param(func, arg, x, p):
    """Broadcast ``p`` (shaped like ``x.shape[1:1 + p.ndim]``) to ``x``'s shape.

    Shared with prelu, whose ``W`` follows the same rule as swish's ``beta``.
    """
    type_check.expect_float(func, arg, p)
    type_check.expect_same_dtype(func, arg, p, "x", x)
    want = tuple(x.shape[1:1 + p.ndim])
    if x.ndim < 1 + p.ndim or tuple(p.shape) != want:
        type_check.fail(func, arg, f"shape x.shape[1:1 + {arg}.ndim] = {want}",
                        f"{tuple(p.shape)} (x has shape {tuple(x.shape)})")
    lead_and_trail = (1,) + tuple(p.shape) + (1,) * (x.ndim - 1 - p.ndim)
    return broadcast_to(reshape(p, lead_and_trail), tuple(x.shape))


def swish(x, beta):
    """Swish: ``x * sigmoid(beta * x)``.

    ``beta`` has the shape ``x.shape[1:1 + beta.ndim]`` and is broadcast over
    the batch axis and the trailing axes (as Chainer's ``F.swish``); both
    ``x`` and ``beta`` get gradients, twice differentiable.

    Args:
        x: a float Variable or array with at least ``1 + beta.ndim`` axes.
        beta: a float Variable or array of the same dtype as ``x``.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.swish import swish
        >>> x = np.array([[-1.0, 2.0]], np.float32)
        >>> swish(x, np.array([1.0, 0.0], np.float32)).array
        array([[-0.2689414,  1.       ]], dtype=float32)
    """
    type_check.expect_float("swish", "x", x)
    b = _broadcast_param("swish", "beta", x, beta)
    return x * sigmoid(b * x)
