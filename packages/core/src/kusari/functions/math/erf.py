"""The error function family: ``erf``, ``erfc``, ``erfinv``.

The forward passes call ``scipy.special`` (``cupyx.scipy.special`` for CuPy
arrays), imported on first use.  SciPy is not a kusari-core dependency: a
float32-accurate erfinv (and digamma / polygamma in ``gamma.py``) in plain
NumPy would be a few hundred lines of approximations to get right and keep
right, for functions few models use; Chainer also needs SciPy for them on
CPU.  Without SciPy the call fails with an ``ImportError`` that says what to
install.  The backward passes are plain kusari operations, so all three are
differentiable to any order.
"""
from __future__ import annotations

import importlib
import math

import numpy

from kusari import utils
from kusari.functions.math._unary import _Unary, _unary
from kusari.functions.math.exponential import exp

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0


def special(xp, name: str, func: str):
    """The ``scipy.special``-style function ``name`` for arrays of module ``xp``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.erf import special
        >>> float(special(np, "erf", "erf")(np.float64(0.0)))
        0.0
    """
    module = "scipy.special" if xp is numpy else "cupyx.scipy.special"
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as error:
        raise ImportError(f"{func} needs SciPy on the CPU: pip install scipy") from error


class _Special(_Unary):
    """An elementwise ``scipy.special`` function; subclasses give ``_ufunc`` and ``backward``.

    ``_ufunc`` is the public name (the label, and the function named in a
    missing-SciPy error); ``_special`` the ``scipy.special`` name where it
    differs.
    """

    _special = ""

    def _values(self, x):
        return special(utils._xp(x), self._special or self._ufunc, self._ufunc)(x)


class Erf(_Special):
    _ufunc = "erf"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * exp(-(x * x)) * _TWO_OVER_SQRT_PI,


class Erfc(_Special):
    _ufunc = "erfc"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * exp(-(x * x)) * -_TWO_OVER_SQRT_PI,


class ErfInv(_Special):
    _ufunc = "erfinv"
    _retain_output = True

    def backward(self, indexes, grad_outputs):
        # The inverse function's derivative, 1 / erf'(y), from the output y.
        y, = self.get_retained_outputs()
        return grad_outputs[0] * exp(y * y) * _SQRT_PI_OVER_TWO,


def erf(x):
    """Elementwise error function ``2/sqrt(pi) * integral_0^x exp(-t^2) dt``.

    Needs SciPy (``pip install scipy``) for NumPy arrays.

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.erf import erf
        >>> erf(np.array([0, 1], np.float32)).array
        array([0.       , 0.8427008], dtype=float32)
    """
    return _unary(Erf, "erf", x)


def erfc(x):
    """Elementwise complementary error function ``1 - erf(x)``, accurate for large ``x``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.erf import erfc
        >>> erfc(np.array([0, 5], np.float32)).array
        array([1.0000000e+00, 1.5374598e-12], dtype=float32)
    """
    return _unary(Erfc, "erfc", x)


def erfinv(x):
    """Elementwise inverse error function on ``[-1, 1]`` (``±1`` give ``±inf``).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.erf import erfinv
        >>> erfinv(np.array([0, 0.5], np.float32)).array.round(6)
        array([0.      , 0.476936], dtype=float32)
    """
    return _unary(ErfInv, "erfinv", x)
