"""``gaussian_nll``: negative log-likelihood of ``x`` under a diagonal Gaussian (Chainer v7 semantics)."""
from __future__ import annotations

import math

import numpy

from kusari.functions.loss._elementwise import check_reduce, reduce_elements
from kusari.functions.math.exponential import exp
from kusari.utils import type_check
from kusari.variable import as_array, as_variable

_FN = "gaussian_nll"
_LOG_2PI = math.log(2 * math.pi)


def gaussian_nll(x, mean, ln_var, reduce="sum"):
    """Negative log-likelihood of ``x`` under ``N(mean, exp(ln_var))``, elementwise independent.

    Each element contributes ``0.5 * (log(2 pi) + ln_var + (x - mean)^2 exp(-ln_var))``.
    Built from differentiable functions: every input gets gradients of any order.

    Args:
        x: float data, a Variable or array.
        mean: the Gaussian's mean; broadcasts with ``x`` (same dtype).
        ln_var: the log of its variance; broadcasts with ``x`` (same dtype).
        reduce: ``'sum'`` (default) or ``'mean'`` over all elements for a
            scalar, or ``'no'`` for the elementwise loss.

    Returns:
        Variable of ``x``'s dtype: 0-d, or the broadcast shape with ``reduce='no'``.

    Raises:
        InvalidType: non-float ``x``, another dtype or a non-broadcasting shape
            of ``mean`` / ``ln_var``.
        ValueError: an unknown ``reduce``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.gaussian_nll import gaussian_nll
        >>> x = np.array([0.0, 2.0], np.float32)
        >>> gaussian_nll(x, np.zeros(2, np.float32), np.zeros(2, np.float32)).array
        array(3.8378773, dtype=float32)
        >>> gaussian_nll(x, np.zeros(2, np.float32), np.zeros(2, np.float32), reduce='no').array
        array([0.9189385, 2.9189386], dtype=float32)
    """
    check_reduce(_FN, reduce)
    xa, ma, va = as_array(x), as_array(mean), as_array(ln_var)
    type_check.expect_float(_FN, "x", xa)
    type_check.expect_same_dtype(_FN, "mean", ma, "x", xa)
    type_check.expect_same_dtype(_FN, "ln_var", va, "x", xa)
    try:
        numpy.broadcast_shapes(xa.shape, ma.shape, va.shape)
    except ValueError:
        type_check.fail(_FN, "mean", "shapes of 'x', 'mean' and 'ln_var' that broadcast together",
                        f"{xa.shape}, {ma.shape} and {va.shape}")
    diff = as_variable(x) - mean
    elems = (ln_var + diff * diff * exp(-ln_var) + _LOG_2PI) * 0.5
    return reduce_elements(elems, reduce)

