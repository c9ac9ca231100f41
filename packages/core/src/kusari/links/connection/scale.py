"""``Scale``: multiply by a learned (or given) factor along some axes, optionally add a bias."""
from __future__ import annotations

from kusari.functions.math.bias_scale import scale
from kusari.link import Chain
from kusari.links.connection.bias import Bias, _unpack
from kusari.variable import Parameter


class Scale(Chain):
    """``x * W`` (then ``+ bias``) with ``W`` laid along ``x``'s axes from ``axis`` on.

    Args:
        axis: the first axis of ``x`` the factor covers.
        W_shape: the shape of the learned factor ``W`` (initialised to 1);
            None means the factor comes as the second input.
        bias_term: also add a learned bias (a child ``Bias`` link named ``bias``).
        bias_shape: the bias's shape when ``W_shape`` is None (with
            ``W_shape`` the bias takes ``W_shape``).

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.scale import Scale
        >>> link = Scale(W_shape=(2,), bias_term=True)
        >>> sorted(name for name, _ in link.namedparams())
        ['/W', '/bias/b']
        >>> link(np.full((1, 2), 3, np.float32)).array
        array([[3., 3.]], dtype=float32)
        >>> Scale()(np.ones((1, 2), np.float32), np.array([2, 5], np.float32)).array
        array([[2., 5.]], dtype=float32)
    """

    def __init__(self, axis=1, W_shape=None, bias_term=False, bias_shape=None):  # noqa: N803
        super().__init__()
        self.axis = axis
        with self.init_scope():
            if W_shape is not None:
                self.W = Parameter(1, W_shape)
                if bias_term:
                    self.bias = Bias(axis, W_shape)
            elif bias_term:
                if bias_shape is None:
                    raise ValueError("Scale: argument 'bias_shape' expected a shape when bias_term is True "
                                     "and W_shape is None, got None")
                self.bias = Bias(axis, bias_shape)

    def forward(self, *xs):
        """``scale(x, W, axis)``; without a learned ``W``, ``forward(x, y)`` scales by ``y``."""
        has_param = "W" in self.__dict__
        xs = _unpack("Scale", has_param, xs)
        z = scale(xs[0], self.W if has_param else xs[1], self.axis)
        if "bias" in self.__dict__:
            return self.bias(z)
        return z
