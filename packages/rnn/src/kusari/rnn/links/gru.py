"""GRU links: ``StatelessGRU``, ``StatefulGRU`` and ``GRU`` (Chainer v7's alias of ``StatefulGRU``).

Six Linear children, named as in Chainer (npz keys ``W_r/W``, ``U_r/b``, ...)::

    r = sigmoid(W_r x + U_r h)
    z = sigmoid(W_z x + U_z h)
    h_bar = tanh(W x + U (r * h))
    h_new = z * h_bar + (1 - z) * h

Every child has a bias, the ``U_*`` ones included (as in Chainer).
"""
from __future__ import annotations

from kusari.link import Chain
from kusari.links.connection.linear import Linear
from kusari.utils import type_check
from kusari.variable import Variable


def _F():
    import kusari.functions as F

    return F


class GRUBase(Chain):
    """The six Linear children of the GRU links.

    Args:
        in_size: input size (None: inferred from the first input).
        out_size: hidden size.
        init: initializer of ``W_r``, ``W_z`` and ``W`` (default LeCunNormal).
        inner_init: initializer of ``U_r``, ``U_z`` and ``U`` (default LeCunNormal).
        bias_init: initializer of all six biases (default 0).

    Example:
        >>> from kusari.rnn.links.gru import GRUBase
        >>> sorted(name for name, _ in GRUBase(3, 2).namedparams())
        ['/U/W', '/U/b', '/U_r/W', '/U_r/b', '/U_z/W', '/U_z/b', '/W/W', '/W/b', '/W_r/W', '/W_r/b', '/W_z/W', '/W_z/b']
    """

    def __init__(self, in_size, out_size, init=None, inner_init=None, bias_init=None):
        super().__init__()
        with self.init_scope():
            self.W_r = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U_r = Linear(out_size, out_size, initialW=inner_init, initial_bias=bias_init)
            self.W_z = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U_z = Linear(out_size, out_size, initialW=inner_init, initial_bias=bias_init)
            self.W = Linear(in_size, out_size, initialW=init, initial_bias=bias_init)
            self.U = Linear(out_size, out_size, initialW=inner_init, initial_bias=bias_init)


class StatelessGRU(GRUBase):
    """GRU without state: ``forward(h, x) -> h_new``.

    Args:
        in_size: input size (None: inferred from the first input).
        out_size: hidden size.
        init, inner_init, bias_init: as in :class:`GRUBase`.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.gru import StatelessGRU
        >>> gru = StatelessGRU(3, 2)
        >>> h = np.zeros((4, 2), np.float32)
        >>> gru(h, np.ones((4, 3), np.float32)).shape
        (4, 2)
    """

    def forward(self, h, x):
        F = _F()
        r = F.sigmoid(self.W_r(x) + self.U_r(h))
        z = F.sigmoid(self.W_z(x) + self.U_z(h))
        h_bar = F.tanh(self.W(x) + self.U(r * h))
        return F.linear_interpolate(z, h_bar, h)


class StatefulGRU(GRUBase):
    """GRU that keeps its hidden state ``h`` between calls: ``forward(x) -> h_new``.

    Args:
        in_size: input size (None: inferred from the first input).
        out_size: hidden size.
        init, inner_init: as in :class:`GRUBase`.
        bias_init: initializer of the biases (default 0).

    The first step after :meth:`reset_state` treats ``h`` as zeros:
    ``h_new = sigmoid(W_z x) * tanh(W x)`` (the ``U_*`` biases are not used
    then, as in Chainer).

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.gru import StatefulGRU
        >>> gru = StatefulGRU(3, 2)
        >>> x = np.ones((4, 3), np.float32)
        >>> gru(x).shape, gru(x).shape, gru.h.shape
        ((4, 2), (4, 2), (4, 2))
        >>> gru.reset_state(); gru.h is None
        True
    """

    def __init__(self, in_size, out_size, init=None, inner_init=None, bias_init=0):
        super().__init__(in_size, out_size, init, inner_init, bias_init)
        self.state_size = out_size
        self.reset_state()

    def to_device(self, device):
        """Send the parameters and the state to ``device``; returns self."""
        super().to_device(device)
        if self.h is not None:
            self.h.to_device(self.device)
        return self

    def set_state(self, h):
        """Set the hidden state ``h`` (a Variable of shape ``(B, out_size)``).

        Example:
            >>> import numpy as np, kusari
            >>> from kusari.rnn.links.gru import StatefulGRU
            >>> gru = StatefulGRU(3, 2)
            >>> gru.set_state(kusari.Variable(np.zeros((1, 2), np.float32)))
            >>> gru.h.shape
            (1, 2)
        """
        if not isinstance(h, Variable):
            type_check.fail(f"{type(self).__name__}.set_state", "h", "a Variable", type(h).__name__)
        h.to_device(self.device)
        self.h = h

    def reset_state(self):
        """Forget the state: the next call starts from zeros."""
        self.h = None

    def forward(self, x):
        F = _F()
        z = self.W_z(x)
        h_bar = self.W(x)
        h = self.h
        if h is not None:
            r = F.sigmoid(self.W_r(x) + self.U_r(h))
            z = z + self.U_z(h)
            h_bar = h_bar + self.U(r * h)
        z = F.sigmoid(z)
        h_bar = F.tanh(h_bar)
        self.h = z * h_bar if h is None else F.linear_interpolate(z, h_bar, h)
        return self.h


class GRU(StatefulGRU):
    """Chainer v7's ``L.GRU``: :class:`StatefulGRU` whose ``forward`` takes only ``x``.

    Calling it with ``(h, x)``, the pre-v2 stateless style, is an error that
    points to :class:`StatelessGRU`.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.gru import GRU
        >>> GRU(3, 2)(np.ones((1, 3), np.float32)).shape
        (1, 2)
    """

    def forward(self, *args):
        if len(args) == 2:
            raise ValueError(
                "GRU.forward: expected 1 argument (x), got 2; GRU is stateful since Chainer v2: "
                "use StatelessGRU for forward(h, x)")
        if len(args) != 1:
            raise ValueError(f"GRU.forward: expected 1 argument (x), got {len(args)}")
        return super().forward(args[0])
