"""``dropout``: zero units at random in training, scale the kept ones."""
from __future__ import annotations

import numpy

from kusari import _config, utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import as_array, as_variable

_FN = "dropout"


def _random_mask(x, ratio):
    """``1/(1-ratio)`` with probability ``1-ratio``, else 0, in ``x``'s dtype.

    Drawn from the array module's global RNG, so ``numpy.random.seed``
    (``cupy.random.seed``) makes it reproducible.
    """
    xp = utils._xp(x)
    scale = 1.0 / (1.0 - ratio)
    if xp is numpy:
        # NumPy's global RNG draws floats only in float64; 32-bit integers
        # are half the memory and faster, and resolve ratio to 2**-32.  One
        # expression, so the integers are freed before the mask is made.
        threshold = min(int(round(ratio * 2 ** 32)), 2 ** 32 - 1)
        keep = numpy.random.randint(0, 2 ** 32, size=x.shape, dtype=numpy.uint32) >= threshold
    else:
        float_dtype = numpy.float64 if x.dtype == numpy.float64 else numpy.float32
        keep = xp.random.random_sample(x.shape, dtype=float_dtype) >= ratio
    return xp.multiply(keep, scale, dtype=x.dtype)


class Dropout(FunctionNode):
    """``y = x * mask``; ``mask`` is drawn in forward unless given."""

    def __init__(self, dropout_ratio, mask=None):
        self.dropout_ratio = dropout_ratio
        self.mask = mask

    def forward(self, inputs):
        x, = inputs
        if self.mask is None:
            self.mask = _random_mask(x, self.dropout_ratio)
        return utils.force_array(x * self.mask, x.dtype),

    def backward(self, indexes, grad_outputs):
        return _MaskMul(self.mask).apply(grad_outputs)


class _MaskMul(FunctionNode):
    """Multiplication by a constant mask: the gradient of dropout, and its own gradient."""

    def __init__(self, mask):
        self.mask = mask

    def forward(self, inputs):
        gy, = inputs
        return utils.force_array(gy * self.mask, gy.dtype),

    def backward(self, indexes, grad_outputs):
        return _MaskMul(self.mask).apply(grad_outputs)


def dropout(x, ratio=.5, *, mask=None, return_mask=False, **kwargs):
    """Drop elements of ``x`` with probability ``ratio``, scaling the rest by ``1 / (1 - ratio)``.

    Active only while ``kusari.config.train`` is True; otherwise it returns
    ``x`` itself as a Variable (no copy) and the mask is None.

    Args:
        x: a float Variable or array.
        ratio: the probability of dropping an element, in ``[0, 1)``.
        mask: an array of ``x``'s shape and dtype to multiply by instead of
            a random one (``ratio`` is then not used to draw).  Its values
            are used as they are: pass a mask returned with
            ``return_mask=True`` (0 or ``1 / (1 - ratio)``) to repeat a draw.
        return_mask: also return the mask used (None outside training).

    Returns:
        Variable, or ``(Variable, mask)`` with ``return_mask=True``.

    Example:
        >>> import numpy as np
        >>> import kusari, kusari.functions as F
        >>> x = np.ones((2, 4), np.float32)
        >>> np.random.seed(0)
        >>> y, mask = F.dropout(x, 0.5, return_mask=True)
        >>> sorted(set(y.array.ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
        True
        >>> bool((y.array == x * mask).all())
        True
        >>> with kusari.using_config('train', False):
        ...     F.dropout(x).array is x
        True
    """
    if "train" in kwargs:
        raise ValueError(f"{_FN}: the 'train' argument is not supported (it was removed in Chainer v2); "
                         f"use kusari.using_config('train', False)")
    if kwargs:
        raise TypeError(f"{_FN}() got an unexpected keyword argument {next(iter(kwargs))!r}")
    if not 0.0 <= ratio < 1.0:
        raise ValueError(f"{_FN}: argument 'ratio' expected a number in [0, 1), got {ratio!r}")
    type_check.expect_float(_FN, "x", x)
    if mask is not None:
        mask = as_array(mask)
        type_check.expect_same_dtype(_FN, "mask", mask, "x", x)
        type_check.expect_shape(_FN, "mask", mask, x.shape, "(the shape of 'x')")
    if _config.config.train:
        func = Dropout(ratio, mask)
        y, = func.apply((x,))
        mask = func.mask
    else:
        y = as_variable(x)
        mask = None
    if return_mask:
        return y, mask
    return y
