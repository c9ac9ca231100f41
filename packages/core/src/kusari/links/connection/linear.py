"""``Linear``: the fully connected layer."""
from __future__ import annotations

from kusari import initializers
from kusari.functions.connection.linear import linear
from kusari.link import Link
from kusari.variable import Parameter


class Linear(Link):
    """Fully connected layer: ``y = x W^T + b``.

    Args:
        in_size: the input size; None infers it from the first input
            (``Linear(3)`` means ``out_size=3`` with the input size inferred).
        out_size: the output size.
        nobias: no bias (``self.b`` is None).
        initialW: initializer, array or scalar for ``W`` (default
            ``LeCunNormal()``: N(0, 1/in_size)).
        initial_bias: initializer, array or scalar for ``b`` (default 0).

    Attributes:
        W: the weight, shape ``(out_size, in_size)``.
        b: the bias, shape ``(out_size,)``, or None.

    Example:
        >>> import numpy as np
        >>> import kusari.links as L
        >>> layer = L.Linear(3, 2)
        >>> layer.W.shape, layer.b.shape
        ((2, 3), (2,))
        >>> lazy = L.Linear(2)          # in_size found on the first call
        >>> lazy.W.array is None
        True
        >>> lazy(np.ones((4, 5), np.float32)).shape, lazy.W.shape
        ((4, 2), (2, 5))
    """

    def __init__(self, in_size, out_size=None, nobias=False, initialW=None, initial_bias=None):
        super().__init__()
        if out_size is None:
            in_size, out_size = None, in_size
        self.in_size = in_size
        self.out_size = out_size
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_size is not None:
                self._initialize_params(in_size)
            if nobias:
                self.b = None
            else:
                if initial_bias is None:
                    initial_bias = 0
                self.b = Parameter(initializers._get_initializer(initial_bias), out_size)

    def _initialize_params(self, in_size):
        self.W.initialize((self.out_size, in_size))

    @classmethod
    def from_params(cls, W, b=None, nobias=False):
        """A Linear holding copies of the arrays ``W`` (and ``b``).

        Example:
            >>> import numpy as np
            >>> import kusari.links as L
            >>> L.Linear.from_params(np.ones((2, 3), np.float32)).in_size
            3
        """
        from kusari.variable import as_array

        out_size, in_size = W.shape
        if b is not None and b.size != out_size:
            raise ValueError(
                f"Linear.from_params: argument 'b' expected {out_size} elements (out_size of W), "
                f"got {b.size}")
        return cls(in_size, out_size, nobias, initialW=as_array(W), initial_bias=as_array(b))

    @property
    def printable_specs(self):
        yield "in_size", self.in_size
        yield "out_size", self.out_size
        yield "nobias", self.b is None

    def forward(self, x, n_batch_axes=1):
        """Apply the layer; axes after the first ``n_batch_axes`` are flattened into features."""
        W = self.W
        if W._data is None:
            in_size = 1
            for s in x.shape[n_batch_axes:]:
                in_size *= s
            self._initialize_params(in_size)
        return linear(x, W, self.b, n_batch_axes)
