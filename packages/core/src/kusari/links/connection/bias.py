"""``Bias``: add a learned (or given) bias along some axes."""
from __future__ import annotations

from kusari.functions.math.bias_scale import bias
from kusari.link import Link
from kusari.variable import Parameter


def _unpack(cls_name, has_param, xs):
    want = 1 if has_param else 2
    if len(xs) != want:
        what = "(x,) (the parameter is learned)" if has_param else "(x, y) (no shape was given)"
        raise TypeError(f"{cls_name}: expected {want} input(s) {what}, got {len(xs)}")
    return xs


class Bias(Link):
    """``x + b`` with ``b`` laid along ``x``'s axes from ``axis`` on.

    Args:
        axis: the first axis of ``x`` the bias covers.
        shape: the shape of the learned bias ``b`` (initialised to 0); None
            means there is no parameter and the bias comes as the second input.

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.bias import Bias
        >>> link = Bias(axis=1, shape=(3,))
        >>> link.b.array
        array([0., 0., 0.], dtype=float32)
        >>> link(np.ones((2, 3, 4), np.float32)).shape
        (2, 3, 4)
        >>> Bias()(np.zeros((1, 2), np.float32), np.array([1, 2], np.float32)).array
        array([[1., 2.]], dtype=float32)
    """

    def __init__(self, axis=1, shape=None):
        super().__init__()
        if shape is not None:
            with self.init_scope():
                self.b = Parameter(0, shape)
        self.axis = axis

    def forward(self, *xs):
        """``bias(x, b, axis)``; without a learned ``b``, ``forward(x, y)`` adds ``y``."""
        has_param = "b" in self.__dict__
        xs = _unpack("Bias", has_param, xs)
        if has_param:
            return bias(xs[0], self.b, self.axis)
        return bias(xs[0], xs[1], self.axis)
