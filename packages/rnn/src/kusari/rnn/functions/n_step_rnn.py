"""``n_step_rnn`` / ``n_step_birnn``: stacked (bi)directional Elman RNNs (tanh or relu).

Per layer and direction ``ws[layer * n_dir + d] = [W0, W1]`` (input, hidden)
and ``h' = activation(x W0^T + b0 + h W1^T + b1)``.  The driver and the kernel
calling convention are in :mod:`kusari.rnn.functions._n_step`.
"""
from __future__ import annotations

from kusari.rnn.functions._n_step import n_step, step_rows
from kusari.utils import type_check


class _RNNCell:
    has_cell = False
    n_weights = 2

    def __init__(self, activation):
        self.activation = activation
        self.name = f"n_step_rnn_{activation}"

    @staticmethod
    def stack(xp, w, b):
        return w[0], w[1], b[0] + b[1], None

    @staticmethod
    def unstack(gWx, gWh, gbx, gbh):
        return [gWx, gWh], [gbx, gbx.copy()]

    def forward(self, xp, G, Wh, bh, h0, c0, batches, offsets, reverse):
        N = G.shape[0]
        H = Wh.shape[0]
        relu = self.activation == "relu"
        WhT = Wh.T
        h = h0.copy()
        Hprev = xp.empty((N, H), G.dtype)
        scratch = xp.empty((batches[0], H), G.dtype)
        for b, s, e in step_rows(batches, offsets, reverse):
            hp = h[:b]
            Hprev[s:e] = hp
            g = G[s:e]
            sc = scratch[:b]
            xp.dot(hp, WhT, out=sc)
            g += sc
            if relu:
                xp.maximum(g, 0, out=g)
            else:
                xp.tanh(g, out=g)
            hp[...] = g
        # G now holds every step's output.
        return h, None, G, (G, Hprev)

    def backward(self, xp, state, gY, ghy, gcy, Wh, batches, offsets, reverse):
        Y, Hprev = state
        K = (Y > 0).astype(Y.dtype) if self.activation == "relu" else 1 - Y * Y
        dG = xp.empty_like(Y)
        gh = ghy.copy()
        for b, s, e in reversed(step_rows(batches, offsets, reverse)):
            dh = gY[s:e] + gh[:b]
            xp.multiply(dh, K[s:e], out=dG[s:e])
            xp.dot(dG[s:e], Wh, out=gh[:b])
        return dG, dG, Hprev, gh, None


_CELLS = {"tanh": _RNNCell("tanh"), "relu": _RNNCell("relu")}


def _cell(func, activation):
    cell = _CELLS.get(activation) if isinstance(activation, str) else None
    if cell is None:
        type_check.fail(func, "activation", "'tanh' or 'relu'", repr(activation))
    return cell


def n_step_rnn(n_layers, dropout_ratio, hx, ws, bs, xs, activation="tanh"):
    """Stacked unidirectional Elman RNN over a time-major, length-sorted batch.

    Args:
        n_layers: number of layers.
        dropout_ratio: dropout on each layer's input except the first's
            (only while ``config.train``).
        hx: initial hidden state ``(n_layers, B, H)``, or None for zeros.
        ws: ``n_layers`` lists ``[W0 (H, in), W1 (H, H)]`` (``in`` is
            ``in_size`` for layer 0, else ``H``).
        bs: ``n_layers`` lists ``[b0, b1]`` of shape ``(H,)``.
        xs: time-major list: ``xs[t]`` is ``(B_t, in_size)``, ``B_t`` non-increasing.
        activation: ``'tanh'`` or ``'relu'``.

    Returns:
        ``(hy, ys)``: the final state ``(n_layers, B, H)`` and the time-major
        tuple of top-layer outputs ``ys[t]`` of shape ``(B_t, H)``.

    The gradient is first order only.  A kernel registered for
    ``('n_step_rnn', backend)`` replaces the generic code.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.functions.n_step_rnn import n_step_rnn
        >>> ws = [[np.eye(2, dtype=np.float32), np.zeros((2, 2), np.float32)]]
        >>> bs = [[np.zeros(2, np.float32), np.zeros(2, np.float32)]]
        >>> xs = [np.array([[1, -1]], np.float32)]
        >>> hy, ys = n_step_rnn(1, 0.0, None, ws, bs, xs, activation='relu')
        >>> ys[0].array
        array([[1., 0.]], dtype=float32)
    """
    cell = _cell("n_step_rnn", activation)
    hy, _, ys = n_step("n_step_rnn", "n_step_rnn", cell, n_layers, dropout_ratio, hx, None, ws, bs, xs, 1,
                       activation=activation)
    return hy, ys


def n_step_birnn(n_layers, dropout_ratio, hx, ws, bs, xs, activation="tanh"):
    """Stacked bidirectional Elman RNN over a time-major, length-sorted batch.

    As :func:`n_step_rnn` with ``2 * n_layers`` entries in ``hx``, ``ws`` and
    ``bs`` (``[layer * 2 + d]``); ``ys[t]`` is ``(B_t, 2 * H)``.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.functions.n_step_rnn import n_step_birnn
        >>> ws = [[np.eye(2, dtype=np.float32), np.zeros((2, 2), np.float32)]] * 2
        >>> bs = [[np.zeros(2, np.float32), np.zeros(2, np.float32)]] * 2
        >>> hy, ys = n_step_birnn(1, 0.0, None, ws, bs, [np.array([[1, -1]], np.float32)], 'relu')
        >>> ys[0].array
        array([[1., 0., 1., 0.]], dtype=float32)
    """
    cell = _cell("n_step_birnn", activation)
    hy, _, ys = n_step("n_step_birnn", "n_step_rnn", cell, n_layers, dropout_ratio, hx, None, ws, bs, xs, 2,
                       activation=activation)
    return hy, ys
