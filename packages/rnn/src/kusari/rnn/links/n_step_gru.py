"""``NStepGRU`` / ``NStepBiGRU``: stacked GRUs over lists of variable-length sequences."""
from __future__ import annotations

from kusari.rnn.functions.n_step_gru import n_step_bigru, n_step_gru
from kusari.rnn.links.n_step_rnn import NStepRNNBase


class NStepGRUBase(NStepRNNBase):
    """Base of the stacked GRU links: six weights per layer-direction.

    ``w0..w2`` act on the input and ``w3..w5`` on the hidden state, for the
    reset gate (w0/w3), update gate (w1/w4) and new state (w2/w5), each
    ``(out_size, in)``, with biases ``b0..b5``.  ``forward(hx, xs) -> (hy, ys)``.

    Example:
        >>> from kusari.rnn.links.n_step_gru import NStepGRU
        >>> gru = NStepGRU(1, 3, 2, 0.0)
        >>> gru[0].w0.shape, gru[0].w5.shape
        ((2, 3), (2, 2))
    """

    n_weights = 6

    def rnn(self, *args):
        return (n_step_bigru if self.use_bi_direction else n_step_gru)(*args)


class NStepGRU(NStepGRUBase):
    """Stacked uni-directional GRU over a list of sequences (Chainer's ``L.NStepGRU``).

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.n_step_gru import NStepGRU
        >>> gru = NStepGRU(2, 3, 4, 0.0)
        >>> hy, ys = gru(None, [np.ones((2, 3), np.float32), np.ones((3, 3), np.float32)])
        >>> hy.shape, [y.shape for y in ys]
        ((2, 2, 4), [(2, 4), (3, 4)])
    """

    use_bi_direction = False


class NStepBiGRU(NStepGRUBase):
    """Stacked bi-directional GRU; outputs concatenate the forward and backward states.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.n_step_gru import NStepBiGRU
        >>> gru = NStepBiGRU(1, 3, 4, 0.0)
        >>> hy, ys = gru(None, [np.ones((2, 3), np.float32)])
        >>> hy.shape, ys[0].shape
        ((2, 1, 4), (2, 8))
    """

    use_bi_direction = True
