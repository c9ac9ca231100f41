"""``gaussian``: a reparameterised sample ``mean + exp(ln_var / 2) * eps``."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.functions.math.exponential import exp
from kusari.utils import type_check
from kusari.variable import as_array, as_variable

_FN = "gaussian"


def _standard_normal(shape, dtype, xp):
    """N(0, 1) noise from the array module's global RNG (as Chainer draws it)."""
    if xp is numpy:
        # NumPy draws in float64 only; the same draws as Chainer for one seed.
        return numpy.random.standard_normal(shape).astype(dtype, copy=False)
    return xp.random.standard_normal(shape, dtype=dtype)


def gaussian(mean, ln_var, *, eps=None, return_eps=False):
    """Sample from ``N(mean, exp(ln_var))`` so that gradients reach both parameters.

    Computes ``mean + exp(ln_var / 2) * eps`` with ``eps ~ N(0, 1)`` (the
    reparameterisation trick).  As in Chainer, it samples whatever
    ``kusari.config.train`` says.  Differentiable twice in ``mean`` and
    ``ln_var``; ``eps`` is a constant.

    Args:
        mean: a float Variable or array.
        ln_var: the log variance, a Variable or array of ``mean``'s shape and dtype.
        eps: the standard-normal noise to use, of ``mean``'s shape; None draws
            it from the array module's global RNG (``numpy.random.seed``
            makes it reproducible).
        return_eps: also return the ``eps`` used, to repeat the sample later.

    Returns:
        Variable, or ``(Variable, eps)`` with ``return_eps=True``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.noise.gaussian import gaussian
        >>> mean = np.zeros(3, np.float32)
        >>> ln_var = np.full(3, np.log(4.0), np.float32)     # standard deviation 2
        >>> y, eps = gaussian(mean, ln_var, return_eps=True)
        >>> bool(np.allclose(y.array, 2 * eps)), y.dtype
        (True, dtype('float32'))
        >>> gaussian(mean, ln_var, eps=np.ones(3, np.float32)).array
        array([2., 2., 2.], dtype=float32)
    """
    type_check.expect_float(_FN, "mean", mean)
    type_check.expect_same_dtype(_FN, "ln_var", ln_var, "mean", mean)
    type_check.expect_shape(_FN, "ln_var", ln_var, tuple(mean.shape), "(the shape of 'mean')")
    mean_data = as_array(mean)
    if eps is None:
        eps = _standard_normal(mean_data.shape, mean_data.dtype, utils._xp(mean_data))
    else:
        eps = as_array(eps)
        type_check.expect_same_dtype(_FN, "eps", eps, "mean", mean)
        type_check.expect_shape(_FN, "eps", eps, tuple(mean.shape), "(the shape of 'mean')")
    # Built from differentiable pieces, so double backprop is exact (Chainer's
    # own backward treats the noise as a constant in the second derivative).
    y = as_variable(mean) + exp(ln_var * 0.5) * eps
    if return_eps:
        return y, eps
    return y
