"""``Parameter``: a link that holds one array as its parameter ``W``."""
from __future__ import annotations

from kusari.functions.array.identity import identity
from kusari.link import Link
from kusari.utils import type_check
from kusari.variable import Parameter as _Param


class Parameter(Link):
    """A link whose only parameter ``W`` is the given array; calling it returns ``W``.

    Args:
        array: the initial value (an array; its shape and dtype are kept).

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.parameter import Parameter
        >>> link = Parameter(np.arange(3, dtype=np.float32))
        >>> link.W.array
        array([0., 1., 2.], dtype=float32)
        >>> y = link()
        >>> y.array is link.W.array, y.creator is not None
        (True, True)
    """

    def __init__(self, array):
        super().__init__()
        if not hasattr(array, "shape") or not hasattr(array, "dtype"):
            type_check.fail("Parameter", "array", "an array", type(array).__name__)
        with self.init_scope():
            self.W = _Param(array)

    def forward(self, volatile="off"):
        """``W`` through an identity, so gradients flow into the parameter (``volatile`` is ignored)."""
        return identity(self.W)
