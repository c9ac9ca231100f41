"""``lgamma`` (log of the absolute gamma function) and ``digamma`` (its derivative).

Like ``erf.py`` these call ``scipy.special`` (``cupyx.scipy.special`` for
CuPy), imported on first use; see ``erf.py`` for why SciPy stays optional.
Each derivative is the next polygamma function, so a private ``Polygamma``
node makes both differentiable to any order.
"""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math._unary import _unary
from kusari.functions.math.erf import _Special, special
from kusari.utils import type_check


class LGamma(_Special):
    _ufunc = "lgamma"
    _special = "gammaln"

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * _polygamma(0, x, "lgamma"),


class Polygamma(FunctionNode):
    """The ``n``-th derivative of digamma; ``n = 0`` is digamma itself."""

    def __init__(self, n: int, func: str):
        self.n = n
        self.func = func  # the public function named in a missing-SciPy error

    @property
    def label(self):
        return "digamma" if self.n == 0 else f"polygamma({self.n})"

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        xp = utils._xp(x)
        if self.n == 0:
            y = special(xp, "digamma", self.func)(x)
        else:
            y = special(xp, "polygamma", self.func)(self.n, x)
        return utils.force_array(y, x.dtype),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return grad_outputs[0] * _polygamma(self.n + 1, x, self.func),


def _polygamma(n, x, func):
    y, = Polygamma(n, func).apply((x,))
    return y


def lgamma(x):
    """Elementwise ``log |Gamma(x)|``; its gradient is ``digamma(x)``.

    Needs SciPy (``pip install scipy``) for NumPy arrays.

    Args:
        x: a float Variable or array (poles at 0, -1, -2, ... give ``inf``).

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.gamma import lgamma
        >>> lgamma(np.array([1, 5], np.float32)).array
        array([0.       , 3.1780539], dtype=float32)
    """
    return _unary(LGamma, "lgamma", x)


def digamma(x):
    """Elementwise digamma function, the derivative of ``lgamma``.

    Needs SciPy (``pip install scipy``) for NumPy arrays.

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.gamma import digamma
        >>> digamma(np.array([1, 2], np.float32)).array
        array([-0.5772157 ,  0.42278433], dtype=float32)
    """
    type_check.expect_float("digamma", "x", x)
    return _polygamma(0, x, "digamma")
