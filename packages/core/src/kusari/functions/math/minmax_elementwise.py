"""``maximum`` and ``minimum``: elementwise larger / smaller of two Variables."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math._elementwise_checks import expect_float_pair
from kusari.functions.math.basic_math import _sum_to_shape


class _Select(FunctionNode):
    """Picks one of two inputs per element; the gradient goes to the picked one."""

    _ufunc = ""

    @property
    def label(self):
        return self._ufunc

    def _first_wins(self, x1, x2):
        raise NotImplementedError

    def forward(self, inputs):
        x1, x2 = inputs
        xp = utils._xp(x1, x2)
        # On ties the first input wins, as in Chainer.
        self._mask = self._first_wins(x1, x2)
        self._shapes = (x1.shape, x2.shape)
        return utils.force_array(xp.where(self._mask, x1, x2), x1.dtype),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        xp = utils._xp(gy.array)
        # The masks are constants: each gradient is linear in gy, which keeps
        # double backprop correct.
        first = self._mask.astype(gy.dtype)
        ret = []
        for i in indexes:
            mask = first if i == 0 else xp.subtract(1, first, dtype=gy.dtype)
            ret.append(_sum_to_shape(gy * mask, self._shapes[i]))
        return tuple(ret)


class Maximum(_Select):
    _ufunc = "maximum"

    def _first_wins(self, x1, x2):
        return x1 >= x2


class Minimum(_Select):
    _ufunc = "minimum"

    def _first_wins(self, x1, x2):
        return x1 <= x2


def maximum(x1, x2):
    """Elementwise maximum of two Variables (they broadcast like NumPy).

    The gradient goes to the larger input (to ``x1`` on ties) and is summed
    back to each input's shape.

    Args:
        x1: a float Variable or array.
        x2: a Variable or array of ``x1``'s dtype.

    Returns:
        Variable of the broadcast shape.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.minmax_elementwise import maximum
        >>> maximum(np.array([1, 5], np.float32), np.array([3, 2], np.float32)).array
        array([3., 5.], dtype=float32)
    """
    expect_float_pair("maximum", "x1", x1, "x2", x2)
    y, = Maximum().apply((x1, x2))
    return y


def minimum(x1, x2):
    """Elementwise minimum of two Variables (they broadcast like NumPy).

    The gradient goes to the smaller input (to ``x1`` on ties).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.minmax_elementwise import minimum
        >>> minimum(np.array([1, 5], np.float32), np.array([3, 2], np.float32)).array
        array([1., 2.], dtype=float32)
    """
    expect_float_pair("minimum", "x1", x1, "x2", x2)
    y, = Minimum().apply((x1, x2))
    return y
