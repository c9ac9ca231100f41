"""The shared shape of one-input elementwise functions (``exp``, ``sin``, ...).

A subclass of :class:`_Unary` names its NumPy/CuPy ufunc and writes only its
``backward``; :func:`_unary` is the public wrapper's body (check, apply).
Functions that are no ufunc (``erf``, ``lgamma``: ``scipy.special``)
override :meth:`_Unary._values` and keep the rest.

Example:
    >>> import numpy as np
    >>> from kusari.functions.math._unary import _unary
    >>> from kusari.functions.math.exponential import Exp
    >>> _unary(Exp, "exp", np.zeros(2, np.float32)).array
    array([1., 1.], dtype=float32)
"""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class _Unary(FunctionNode):
    """An elementwise ufunc of one input; subclasses give ``_ufunc`` and ``backward``."""

    _ufunc = ""
    _retain_output = False  # True when backward reads y (exp, tan, sqrt) rather than x

    @property
    def label(self):
        return self._ufunc

    def _values(self, x):
        """The function at ``x``, before the dtype is forced back to ``x``'s."""
        return getattr(utils._xp(x), self._ufunc)(x)

    def forward(self, inputs):
        x, = inputs
        if self._retain_output:
            self.retain_outputs((0,))
        else:
            self.retain_inputs((0,))
        return utils.force_array(self._values(x), x.dtype),


def _unary(node_class, name, x):
    """Check that ``x`` is floating point, then apply ``node_class``."""
    type_check.expect_float(name, "x", x)
    y, = node_class().apply((x,))
    return y
