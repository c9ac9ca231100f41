"""``rrelu``: the randomized leaky ReLU, with a random slope per element in training."""
from __future__ import annotations

from kusari import _config, utils
from kusari.function_node import FunctionNode
from kusari.functions.activation.leaky_relu import SlopeGrad
from kusari.utils import type_check


class RReLU(FunctionNode):
    def __init__(self, r):
        self.r = r

    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        # x >= 0 keeps slope 1 (so the gradient at 0 is 1, as in Chainer).
        self.derivative = xp.where(x >= 0, x.dtype.type(1), self.r)
        return utils.force_array(x * self.derivative, x.dtype),

    def backward(self, indexes, grad_outputs):
        return SlopeGrad(self.derivative).apply(grad_outputs)


def rrelu(x, l=1 / 8, u=1 / 3, *, r=None, return_r=False):  # noqa: E741 - Chainer's names
    """Randomized leaky ReLU: ``x`` if ``x >= 0`` else ``r * x``.

    With ``config.train`` on, ``r`` is drawn uniformly from ``[l, u)`` for
    every element (or taken from the ``r`` argument, an array of ``x``'s
    shape and dtype); with it off, ``r`` is the constant ``(l + u) / 2``
    and the ``r`` argument is ignored, as in Chainer.

    Args:
        x: a float Variable or array.
        l, u: the bounds of the slope, ``l < u``.
        r: the slopes to use in training instead of random ones.
        return_r: also return the slope array used.

    Returns:
        Variable of ``x``'s shape and dtype, or ``(y, r)`` if ``return_r``.

    Example:
        >>> import numpy as np
        >>> import kusari
        >>> from kusari.functions.activation.rrelu import rrelu
        >>> x = np.array([-2.0, 1.0], np.float32)
        >>> with kusari.using_config("train", False):
        ...     rrelu(x, l=0.25, u=0.75).array
        array([-1.,  1.], dtype=float32)
        >>> rrelu(x, r=np.array([0.1, 0.2], np.float32)).array
        array([-0.2,  1. ], dtype=float32)
    """
    type_check.expect_float("rrelu", "x", x)
    if not l < u:
        raise ValueError(f"rrelu: argument 'u' expected a number greater than l={l!r}, got {u!r}")
    xd = x.array if hasattr(x, "array") else x
    xp = utils._xp(xd)
    if not _config.config.train:
        r = xp.full(xd.shape, (l + u) / 2, xd.dtype)
    elif r is None:
        r = xp.random.uniform(l, u, xd.shape).astype(xd.dtype, copy=False)
    else:
        type_check.expect_shape("rrelu", "r", r, tuple(xd.shape), "(the shape of 'x')")
        type_check.expect_same_dtype("rrelu", "r", r, "x", xd)
    y, = RReLU(r).apply((x,))
    return (y, r) if return_r else y
