"""``relu``: the rectified linear unit, ``max(x, 0)``."""
from __future__ import annotations

import numpy

from kusari import _config, utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import Variable, _wrap

_config_obj = _config.config
_from_array = _wrap
_ndarray = numpy.ndarray


class ReLU(FunctionNode):
    """``y = max(x, 0)``; backward reads only the retained output."""

    # y > 0 exactly where x > 0, so keeping y (which the next layer holds
    # anyway) lets x be freed.  Set on the class: forward runs per call.
    _output_indexes_to_retain = (0,)

    def forward(self, inputs):
        x, = inputs
        xp = numpy if type(x) is _ndarray else utils._xp(x)
        # A Python 0 keeps x's dtype under NEP 50 (and is cheaper than dtype=).
        return xp.maximum(x, 0),

    def backward(self, indexes, grad_outputs):
        y = self._retained_output_data[0]
        if not _config_obj.enable_backprop:
            # Plain backward: a ReLUGrad2 node would record nothing.  y >= 0, so
            # sign(y) is the 0/1 mask in y's own dtype: two float ufuncs cost
            # half of a bool comparison plus a mixed bool*float multiply.
            xp = numpy if type(y) is _ndarray else utils._xp(y)
            return _from_array(grad_outputs[0]._data * xp.sign(y), False),
        return ReLUGrad2(y > 0).apply(grad_outputs)


class ReLUGrad2(FunctionNode):
    """``gy * mask`` for a constant boolean mask; its own gradient has the same form."""

    def __init__(self, mask):
        self.mask = mask

    def forward(self, inputs):
        gy, = inputs
        return utils.force_array(gy * self.mask, gy.dtype),

    def backward(self, indexes, grad_outputs):
        # relu is piecewise linear: the mask is constant, the second derivative 0.
        return ReLUGrad2(self.mask).apply(grad_outputs)


def relu(x):
    """Rectified linear unit: ``max(x, 0)`` elementwise.

    The gradient is 1 where ``x > 0`` and 0 where ``x <= 0`` (as in Chainer).

    Args:
        x: a float Variable or array.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> import kusari, kusari.functions as F
        >>> x = kusari.Variable(np.array([[-1.0, 0.0, 2.0]], np.float32))
        >>> y = F.relu(x)
        >>> y.array
        array([[0., 0., 2.]], dtype=float32)
        >>> y.grad = np.ones((1, 3), np.float32)
        >>> y.backward()
        >>> x.grad
        array([[0., 0., 1.]], dtype=float32)
    """
    # Checked on the raw array: expect_float on a Variable costs two Python
    # calls (it and the dtype property) on every forward.
    xd = x._data if type(x) is Variable else x
    if xd.dtype.kind != "f":
        type_check.expect_float("relu", "x", x)
    y, = ReLU().apply((x,))
    return y
