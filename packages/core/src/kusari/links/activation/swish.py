"""``Swish``: ``x * sigmoid(beta * x)`` with a learned ``beta``."""
from __future__ import annotations

from kusari import initializers
from kusari.functions.activation.swish import swish
from kusari.link import Link
from kusari.variable import Parameter


class Swish(Link):
    """Swish activation with a learned ``beta``.

    Args:
        beta_shape: the shape of ``beta``, matching ``x.shape[1:1 + len(beta_shape)]``;
            None takes ``x.shape[1:]`` from the first input.
        beta_init: the initial value of ``beta`` (scalar, array or initializer).

    Example:
        >>> import numpy as np
        >>> from kusari.links.activation.swish import Swish
        >>> link = Swish(None)
        >>> link.beta.array is None
        True
        >>> link(np.zeros((2, 3), np.float32)).shape, link.beta.shape
        ((2, 3), (3,))
    """

    def __init__(self, beta_shape, beta_init=1.0):
        super().__init__()
        with self.init_scope():
            if beta_shape is not None:
                self.beta = Parameter(beta_init, beta_shape)
            else:
                self.beta = Parameter(initializers._get_initializer(beta_init))

    def forward(self, x):
        """``swish(x, beta)``, creating ``beta`` of shape ``x.shape[1:]`` on the first call if needed."""
        if self.beta.array is None:
            self.beta.initialize(x.shape[1:])
        return swish(x, self.beta)
