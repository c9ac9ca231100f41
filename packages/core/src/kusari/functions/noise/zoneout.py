"""``zoneout``: keep some units at their previous value (training only)."""
from __future__ import annotations

import numpy

from kusari import _config, utils
from kusari.function_node import FunctionNode
from kusari.functions.noise.dropout import _MaskMul
from kusari.utils import type_check
from kusari.variable import as_variable

_FN = "zoneout"


class Zoneout(FunctionNode):
    """``y = where(keep_x, x, h)``, the mask drawn in forward."""

    def __init__(self, ratio):
        self.ratio = ratio
        self.flag_x = None

    def forward(self, inputs):
        h, x = inputs
        xp = utils._xp(x)
        # As Chainer: one uniform draw per element, x survives where it is >= ratio.
        # (asarray: a 0-d draw comes back as a Python float.)
        keep_x = xp.asarray(xp.random.rand(*x.shape) >= self.ratio)
        self.flag_x = keep_x.astype(x.dtype)
        self.flag_h = (~keep_x).astype(h.dtype)
        return utils.force_array(xp.where(keep_x, x, h), x.dtype),

    def backward(self, indexes, grad_outputs):
        ret = []
        for i in indexes:
            ret.append(_MaskMul(self.flag_h if i == 0 else self.flag_x).apply(grad_outputs)[0])
        return ret


def zoneout(h, x, ratio=.5, **kwargs):
    """Zoneout: each element is ``h`` with probability ``ratio``, else ``x``.

    Active only while ``kusari.config.train`` is True; otherwise it returns
    ``x`` (as a Variable).  Unlike dropout nothing is rescaled.

    Args:
        h: the previous state, a float Variable or array.
        x: the new state, of ``h``'s shape and dtype.
        ratio: the probability of keeping the previous state, in ``[0, 1]``.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> import kusari
        >>> from kusari.functions.noise.zoneout import zoneout
        >>> h, x = np.zeros(6, np.float32), np.ones(6, np.float32)
        >>> y = zoneout(h, x, ratio=0.5)
        >>> set(y.array.tolist()) <= {0.0, 1.0}
        True
        >>> with kusari.using_config('train', False):
        ...     zoneout(h, x).array is x
        True
    """
    if "train" in kwargs:
        raise ValueError(f"{_FN}: the 'train' argument is not supported (it was removed in Chainer v2); "
                         f"use kusari.using_config('train', False)")
    if kwargs:
        raise TypeError(f"{_FN}() got an unexpected keyword argument {next(iter(kwargs))!r}")
    if not isinstance(ratio, (int, float, numpy.floating)) or not 0.0 <= ratio <= 1.0:
        type_check.fail(_FN, "ratio", "a number in [0, 1]", repr(ratio))
    type_check.expect_float(_FN, "x", x)
    type_check.expect_same_dtype(_FN, "h", h, "x", x)
    type_check.expect_shape(_FN, "h", h, tuple(x.shape), "(the shape of 'x')")
    if _config.config.train:
        y, = Zoneout(ratio).apply((h, x))
        return y
    return as_variable(x)
