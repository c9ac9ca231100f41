"""``Bilinear``: the bilinear layer with its parameters."""
from __future__ import annotations

from kusari import initializers
from kusari.functions.connection.bilinear import bilinear
from kusari.link import Link
from kusari.variable import Parameter


def _checked_array(name, value, shape):
    """Raise if ``value`` is an array of the wrong shape (initializers and scalars pass)."""
    if hasattr(value, "shape") and not callable(value) and tuple(value.shape) != shape:
        raise ValueError(f"Bilinear: argument '{name}' expected shape {shape}, got {tuple(value.shape)}")
    return initializers._get_initializer(value)


class Bilinear(Link):
    """Bilinear layer: ``y = e1^T W e2 (+ e1 V1 + e2 V2 + b)`` per sample.

    Args:
        left_size: the size ``J`` of ``e1``.
        right_size: the size ``K`` of ``e2``.
        out_size: the output size ``L``.
        nobias: no ``V1``, ``V2``, ``b``.
        initialW: initializer, array ``(J, K, L)`` or scalar for ``W``
            (default ``LeCunNormal``).
        initial_bias: None or a tuple ``(initialV1, initialV2, initialb)``
            (default ``LeCunNormal``, ``LeCunNormal``, 0).

    Attributes:
        W: ``(J, K, L)``; V1: ``(J, L)``; V2: ``(K, L)``; b: ``(L,)``.

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.bilinear import Bilinear
        >>> layer = Bilinear(2, 3, 4)
        >>> [(name, p.shape) for name, p in sorted(layer.namedparams())]
        [('/V1', (2, 4)), ('/V2', (3, 4)), ('/W', (2, 3, 4)), ('/b', (4,))]
        >>> layer(np.ones((5, 2), np.float32), np.ones((5, 3), np.float32)).shape
        (5, 4)
    """

    def __init__(self, left_size, right_size, out_size, nobias=False, initialW=None, initial_bias=None):  # noqa: N803
        super().__init__()
        self.in_sizes = (left_size, right_size)
        self.nobias = nobias
        with self.init_scope():
            shape = (left_size, right_size, out_size)
            self.W = Parameter(_checked_array("initialW", initialW, shape), shape)
            if not nobias:
                if initial_bias is None:
                    initial_bias = (None, None, 0)
                elif not isinstance(initial_bias, tuple) or len(initial_bias) != 3:
                    raise ValueError("Bilinear: argument 'initial_bias' expected a tuple "
                                     f"(initialV1, initialV2, initialb) or None, got {initial_bias!r}")
                shapes = ((left_size, out_size), (right_size, out_size), (out_size,))
                inits = [_checked_array(f"initial_bias[{i}]", v, s)
                         for i, (v, s) in enumerate(zip(initial_bias, shapes, strict=True))]
                self.V1 = Parameter(inits[0], shapes[0])
                self.V2 = Parameter(inits[1], shapes[1])
                self.b = Parameter(inits[2], shapes[2])

    def forward(self, e1, e2):
        """``bilinear(e1, e2, W, V1, V2, b)``."""
        if self.nobias:
            return bilinear(e1, e2, self.W)
        return bilinear(e1, e2, self.W, self.V1, self.V2, self.b)

    def zero_grads(self):
        """Old name of ``zerograds`` (kept as Chainer has it)."""
        self.zerograds()
