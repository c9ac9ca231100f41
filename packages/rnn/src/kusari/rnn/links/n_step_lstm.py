"""``NStepLSTM`` / ``NStepBiLSTM``: stacked LSTMs over lists of variable-length sequences."""
from __future__ import annotations

from kusari.rnn.functions.n_step_lstm import n_step_bilstm, n_step_lstm
from kusari.rnn.links.n_step_rnn import NStepRNNBase


class NStepLSTMBase(NStepRNNBase):
    """Base of the stacked LSTM links: eight weights per layer-direction and a cell state.

    ``w0..w3`` act on the input and ``w4..w7`` on the hidden state, for the
    input gate (w0/w4), forget gate (w1/w5), cell candidate (w2/w6, tanh) and
    output gate (w3/w7), each ``(out_size, in)``, with biases ``b0..b7``.
    See :class:`~kusari.rnn.links.n_step_rnn.NStepRNNBase` for the arguments.

    Example:
        >>> from kusari.rnn.links.n_step_lstm import NStepLSTM
        >>> lstm = NStepLSTM(1, 3, 2, 0.0)
        >>> sorted(name for name, _ in lstm.namedparams())[:3]
        ['/0/b0', '/0/b1', '/0/b2']
        >>> lstm.n_cells
        2
    """

    n_weights = 8

    def rnn(self, *args):
        return (n_step_bilstm if self.use_bi_direction else n_step_lstm)(*args)

    @property
    def n_cells(self):
        return 2

    def forward(self, hx, cx, xs):
        """Run the stack over ``xs``.

        Args:
            hx, cx: the initial hidden and cell states
                ``(n_layers * direction, B, out_size)`` (row ``b`` for ``xs[b]``),
                or None for zeros.
            xs: a list of ``B`` arrays or Variables of shape ``(L_i, in_size)``,
                ``L_i >= 1``, in any order.

        Returns:
            ``(hy, cy, ys)``: the final hidden and cell states shaped like
            ``hx``, and a list of the last layer's outputs
            ``(L_i, out_size * direction)`` for each ``xs[i]``.
        """
        (hy, cy), ys = self._call([hx, cx], xs)
        return hy, cy, ys


class NStepLSTM(NStepLSTMBase):
    """Stacked uni-directional LSTM over a list of sequences (Chainer's ``L.NStepLSTM``).

    Unlike the functional ``n_step_lstm``, the link takes one array per
    sequence, in any order and of any lengths, and gives the outputs back in
    that order.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.n_step_lstm import NStepLSTM
        >>> lstm = NStepLSTM(2, 3, 4, 0.1)
        >>> xs = [np.ones((5, 3), np.float32), np.ones((2, 3), np.float32)]
        >>> hy, cy, ys = lstm(None, None, xs)
        >>> hy.shape, cy.shape, [y.shape for y in ys]
        ((2, 2, 4), (2, 2, 4), [(5, 4), (2, 4)])
    """

    use_bi_direction = False


class NStepBiLSTM(NStepLSTMBase):
    """Stacked bi-directional LSTM; outputs concatenate the forward and backward states.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.n_step_lstm import NStepBiLSTM
        >>> lstm = NStepBiLSTM(1, 3, 4, 0.0)
        >>> hy, cy, ys = lstm(None, None, [np.ones((2, 3), np.float32)])
        >>> hy.shape, ys[0].shape
        ((2, 1, 4), (2, 8))
    """

    use_bi_direction = True
