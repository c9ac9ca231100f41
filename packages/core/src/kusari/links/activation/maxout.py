"""``Maxout``: a linear layer followed by a maximum over groups of units."""
from __future__ import annotations

import numpy

from kusari.functions.activation.maxout import maxout
from kusari.initializer import Initializer
from kusari.link import Chain
from kusari.links.connection.linear import Linear


def _flattened(name, init, grouped_shape, flat_shape):
    """Turn an initializer for the grouped shape into one for Linear's flat shape."""
    if init is None or numpy.isscalar(init) or isinstance(init, Initializer):
        # Initializer objects see Linear's flat shape, as in Chainer.
        return init
    if hasattr(init, "ndim") and hasattr(init, "reshape") and not callable(init):
        if init.ndim != len(grouped_shape):
            raise ValueError(f"Maxout: argument '{name}' expected {len(grouped_shape)} dimensions "
                             f"{grouped_shape}, got {init.ndim} (shape {tuple(init.shape)})")
        return init.reshape(flat_shape)
    if callable(init):
        def grouped(array):
            # Initialise through a reshaped view so the initializer sees the
            # grouped shape (fan-in/fan-out as Chainer computes them).
            init(array.reshape(grouped_shape))
        return grouped
    return init


class Maxout(Chain):
    """Maxout layer: ``maxout(linear(x), pool_size)``.

    The child ``linear`` maps ``in_size`` to ``out_size * pool_size`` units;
    each output is the maximum of ``pool_size`` consecutive ones.

    Args:
        in_size: the input size (None: inferred from the first input).
        out_size: the output size.
        pool_size: the units per group.
        initialW: initializer, scalar or array ``(out_size, pool_size, in_size)``.
        initial_bias: initializer, scalar or array ``(out_size, pool_size)``;
            None means no bias (default 0).

    Example:
        >>> import numpy as np
        >>> from kusari.links.activation.maxout import Maxout
        >>> layer = Maxout(3, 2, 4)
        >>> layer.linear.W.shape, layer.linear.b.shape
        ((8, 3), (8,))
        >>> layer(np.ones((5, 3), np.float32)).shape
        (5, 2)
    """

    def __init__(self, in_size, out_size, pool_size, initialW=None, initial_bias=0):  # noqa: N803
        super().__init__()
        linear_out_size = out_size * pool_size
        initialW = _flattened("initialW", initialW, (out_size, pool_size, in_size),  # noqa: N806
                              (linear_out_size, in_size))
        bias = _flattened("initial_bias", initial_bias, (out_size, pool_size), (linear_out_size,))
        with self.init_scope():
            self.linear = Linear(in_size, linear_out_size, nobias=initial_bias is None,
                                 initialW=initialW, initial_bias=bias)
        self.out_size = out_size
        self.pool_size = pool_size

    def forward(self, x):
        """``maxout(linear(x), pool_size)``."""
        return maxout(self.linear(x), self.pool_size)
