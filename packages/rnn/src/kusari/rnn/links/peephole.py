"""``StatefulPeepholeLSTM``: an LSTM whose gates also look at the cell state.

Children as in Chainer: ``upward`` (Linear ``in -> 4H``), ``lateral``
(``H -> 4H``, no bias) and ``peep_i``, ``peep_f``, ``peep_o`` (``H -> H``, no
bias).  ``upward(x) + lateral(h)`` uses ``lstm``'s interleaved layout (per
unit ``a, i, f, o``)::

    i = sigmoid(i_in + peep_i(c_prev))    f = sigmoid(f_in + peep_f(c_prev))
    c = tanh(a_in) * i + f * c_prev
    o = sigmoid(o_in + peep_o(c))          h = o * tanh(c)
"""
from __future__ import annotations

from kusari.link import Chain
from kusari.links.connection.linear import Linear
from kusari.variable import Variable


class StatefulPeepholeLSTM(Chain):
    """Stateful peephole LSTM layer (Chainer's ``L.StatefulPeepholeLSTM``).

    Args:
        in_size: input size (None: inferred from the first input).
        out_size: the number of units ``H``.

    Attributes:
        c, h: the cell state and output of the last step (None after
            :meth:`reset_state`).

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.peephole import StatefulPeepholeLSTM
        >>> rnn = StatefulPeepholeLSTM(3, 2)
        >>> x = np.ones((4, 3), np.float32)
        >>> rnn(x).shape, rnn(x).shape, rnn.c.shape
        ((4, 2), (4, 2), (4, 2))
    """

    def __init__(self, in_size, out_size):
        super().__init__()
        self.state_size = out_size
        self.reset_state()
        with self.init_scope():
            self.upward = Linear(in_size, 4 * out_size)
            self.lateral = Linear(out_size, 4 * out_size, nobias=True)
            self.peep_i = Linear(out_size, out_size, nobias=True)
            self.peep_f = Linear(out_size, out_size, nobias=True)
            self.peep_o = Linear(out_size, out_size, nobias=True)

    def to_device(self, device):
        """Send the parameters and the state to ``device``; returns self."""
        super().to_device(device)
        for state in (self.c, self.h):
            if state is not None:
                state.to_device(self.device)
        return self

    def reset_state(self):
        """Forget the state: the next call starts from zeros."""
        self.c = self.h = None

    def forward(self, x):
        import kusari.functions as F

        lstm_in = self.upward(x)
        if self.h is not None:
            lstm_in = lstm_in + self.lateral(self.h)
        if self.c is None:
            self.c = Variable(self.xp.zeros((len(x), self.state_size), dtype=x.dtype))
        batch = lstm_in.shape[0]
        gates = F.reshape(lstm_in, (batch, self.state_size, 4))
        a, i, f, o = (F.reshape(g, (batch, self.state_size)) for g in F.split_axis(gates, 4, 2))
        i = F.sigmoid(i + self.peep_i(self.c))
        f = F.sigmoid(f + self.peep_f(self.c))
        self.c = F.tanh(a) * i + f * self.c
        o = F.sigmoid(o + self.peep_o(self.c))
        self.h = o * F.tanh(self.c)
        return self.h
