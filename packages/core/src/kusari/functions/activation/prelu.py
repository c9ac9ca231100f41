"""``prelu``: ``x`` where ``x >= 0``, ``W * x`` elsewhere, with a learnable ``W``."""
from __future__ import annotations

from kusari.functions.activation.swish import _broadcast_param
from kusari.utils import type_check
from kusari.variable import as_variable


def prelu(x, W):  # noqa: N803 - Chainer's name
    """Parametric ReLU: ``x`` if ``x >= 0`` else ``W * x``.

    ``W`` has the shape ``x.shape[1:1 + W.ndim]`` and is broadcast over the
    batch axis and the trailing axes; both ``x`` and ``W`` get gradients.

    Args:
        x: a float Variable or array with at least ``1 + W.ndim`` axes.
        W: a float Variable or array of the same dtype as ``x``.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.prelu import prelu
        >>> x = np.array([[-1.0, -2.0], [3.0, -4.0]], np.float32)
        >>> prelu(x, np.array([0.5, 0.25], np.float32)).array
        array([[-0.5, -0.5],
               [ 3. , -1. ]], dtype=float32)
    """
    type_check.expect_float("prelu", "x", x)
    w = _broadcast_param("prelu", "W", x, W)
    x = as_variable(x)
    # y = x * factor with factor = 1 on x >= 0 and W elsewhere: the mask is
    # constant, so dy/dx = factor and dy/dW = x on the negative side.
    neg = (x.array < 0).astype(x.dtype)
    return x * (w * neg + (1 - neg))
