"""``Highway``: a gated mix of a transformed input and the input itself."""
from __future__ import annotations

from kusari.functions.activation.relu import relu
from kusari.functions.activation.sigmoid import sigmoid
from kusari.link import Chain
from kusari.links.connection.linear import Linear


class Highway(Chain):
    """Highway layer: ``y = h(x) * t(x) + x * (1 - t(x))``.

    ``h(x) = activate(plain(x))`` and ``t(x) = sigmoid(transform(x))``, where
    ``plain`` and ``transform`` are square ``Linear`` children.

    Args:
        in_out_size: the input and output size.
        nobias: no biases in the two linear layers.
        activate: the activation of the plain path (default ``relu``).
        init_Wh, init_bh: initializers of ``plain``'s weight and bias.
        init_Wt, init_bt: initializers of ``transform``'s weight and bias
            (``init_bt=-1`` biases the gate towards carrying ``x`` through).

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.highway import Highway
        >>> layer = Highway(3)
        >>> sorted(name for name, _ in layer.namedparams())
        ['/plain/W', '/plain/b', '/transform/W', '/transform/b']
        >>> float(layer.transform.b.array[0])
        -1.0
        >>> layer(np.ones((2, 3), np.float32)).shape
        (2, 3)
    """

    def __init__(self, in_out_size, nobias=False, activate=relu, init_Wh=None, init_Wt=None,  # noqa: N803
                 init_bh=None, init_bt=-1):
        super().__init__()
        self.activate = activate
        with self.init_scope():
            self.plain = Linear(in_out_size, in_out_size, nobias=nobias, initialW=init_Wh, initial_bias=init_bh)
            self.transform = Linear(in_out_size, in_out_size, nobias=nobias, initialW=init_Wt,
                                    initial_bias=init_bt)

    def forward(self, x):
        """The gated mix for a batch ``x`` of shape ``(N, in_out_size)``."""
        out_plain = self.activate(self.plain(x))
        gate = sigmoid(self.transform(x))
        return out_plain * gate + x * (1 - gate)
