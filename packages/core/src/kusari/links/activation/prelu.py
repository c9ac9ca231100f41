"""``PReLU``: parametric ReLU with a learned slope ``W``."""
from __future__ import annotations

from kusari.functions.activation.prelu import prelu
from kusari.link import Link
from kusari.variable import Parameter


class PReLU(Link):
    """Parametric ReLU: ``x`` where ``x >= 0``, ``W * x`` elsewhere.

    Args:
        shape: the shape of ``W``, matching ``x.shape[1:1 + len(shape)]``
            (``()`` shares one slope).
        init: the initial slope (scalar, array or initializer).

    Example:
        >>> import numpy as np
        >>> from kusari.links.activation.prelu import PReLU
        >>> link = PReLU()
        >>> link.W.shape, float(link.W.array)
        ((), 0.25)
        >>> link(np.array([[-4.0, 2.0]], np.float32)).array
        array([[-1.,  2.]], dtype=float32)
    """

    def __init__(self, shape=(), init=0.25):
        super().__init__()
        with self.init_scope():
            self.W = Parameter(init, shape)

    def forward(self, x):
        """``prelu(x, W)``."""
        return prelu(x, self.W)
