"""``n_step_gru`` / ``n_step_bigru``: stacked (bi)directional GRUs over time-major batches.

Chainer's weight layout, per layer and direction (``ws[layer * n_dir + d]``):
``W0..W2`` act on the input, ``W3..W5`` on the hidden state; ``W0/W3`` reset
gate, ``W1/W4`` update gate, ``W2/W5`` new state, and::

    r = sigmoid(x W0 + b0 + h W3 + b3)
    z = sigmoid(x W1 + b1 + h W4 + b4)
    n = tanh(x W2 + b2 + r * (h W5 + b5))
    h' = (1 - z) * n + z * h

The driver and the kernel calling convention are in :mod:`kusari.rnn.functions._n_step`.
"""
from __future__ import annotations

from kusari.rnn.functions._n_step import n_step, step_rows


class _GRUCell:
    name = "n_step_gru"
    has_cell = False
    n_weights = 6

    @staticmethod
    def stack(xp, w, b):
        return (xp.concatenate(w[:3], axis=0), xp.concatenate(w[3:], axis=0),
                xp.concatenate(b[:3]), xp.concatenate(b[3:]))

    @staticmethod
    def unstack(gWx, gWh, gbx, gbh):
        H = gWh.shape[1]
        blocks = [slice(k * H, (k + 1) * H) for k in range(3)]
        gw = [gWx[s] for s in blocks] + [gWh[s] for s in blocks]
        gb = [gbx[s] for s in blocks] + [gbh[s] for s in blocks]
        return gw, gb

    @staticmethod
    def forward(xp, G, Wh, bh, h0, c0, batches, offsets, reverse):
        N, H3 = G.shape
        H = H3 // 3
        H2 = 2 * H
        dtype = G.dtype
        half = dtype.type(0.5)
        # sigmoid(x) = 0.5 * tanh(x / 2) + 0.5: halve the r and z pre-activations once.
        G[:, :H2] *= half
        WhT = Wh.T.copy()
        WhT[:, :H2] *= half
        bh = bh.copy()
        bh[:H2] *= half
        h = h0.copy()
        Y = xp.empty((N, H), dtype)
        GH = xp.empty((N, H3), dtype)
        Hprev = xp.empty((N, H), dtype)
        tmp = xp.empty((batches[0], H), dtype)
        for b, s, e in step_rows(batches, offsets, reverse):
            hp = h[:b]
            Hprev[s:e] = hp
            gh = GH[s:e]
            xp.dot(hp, WhT, out=gh)
            gh += bh
            g = G[s:e]
            rz = g[:, :H2]
            rz += gh[:, :H2]
            xp.tanh(rz, out=rz)
            rz *= half
            rz += half
            n = g[:, H2:]
            tm = tmp[:b]
            xp.multiply(g[:, :H], gh[:, H2:], out=tm)
            n += tm
            xp.tanh(n, out=n)
            hn = Y[s:e]
            xp.subtract(hp, n, out=hn)
            hn *= g[:, H:H2]
            hn += n
            hp[...] = hn
        return h, None, Y, (G, GH, Hprev)

    @staticmethod
    def backward(xp, state, gY, ghy, gcy, Wh, batches, offsets, reverse):
        G, GH, Hprev = state
        N, H3 = G.shape
        H = H3 // 3
        r, z, n = (G[:, k * H:(k + 1) * H] for k in range(3))
        # Derivative factors for all steps at once (see n_step_lstm).
        Kn = (1 - z) * (1 - n * n)
        K3 = xp.empty((N, 3, H), G.dtype)
        xp.multiply(Kn * GH[:, 2 * H:], r * (1 - r), out=K3[:, 0])
        xp.multiply(Hprev - n, z * (1 - z), out=K3[:, 1])
        K3[:, 2] = Kn
        Kh3 = K3.copy()
        Kh3[:, 2] *= r
        dGx = xp.empty_like(G)
        dGh = xp.empty_like(G)
        dGx3 = dGx.reshape(N, 3, H)
        dGh3 = dGh.reshape(N, 3, H)
        gh = ghy.copy()
        for b, s, e in reversed(step_rows(batches, offsets, reverse)):
            dh = gY[s:e] + gh[:b]
            d3 = dh[:, None, :]
            xp.multiply(d3, K3[s:e], out=dGx3[s:e])
            xp.multiply(d3, Kh3[s:e], out=dGh3[s:e])
            dh *= z[s:e]
            xp.dot(dGh[s:e], Wh, out=gh[:b])
            gh[:b] += dh
        return dGx, dGh, Hprev, gh, None


_CELL = _GRUCell()


def n_step_gru(n_layers, dropout_ratio, hx, ws, bs, xs):
    """Stacked unidirectional GRU over a time-major, length-sorted batch.

    Args:
        n_layers: number of layers.
        dropout_ratio: dropout on each layer's input except the first's
            (only while ``config.train``).
        hx: initial hidden state ``(n_layers, B, H)``, or None for zeros.
        ws: ``n_layers`` lists of 6 matrices: ``W0..W2`` ``(H, in)`` (``in``
            is ``in_size`` for layer 0, else ``H``), ``W3..W5`` ``(H, H)``;
            reset (0/3), update (1/4), new state (2/5).
        bs: ``n_layers`` lists of 6 vectors ``(H,)``.
        xs: time-major list: ``xs[t]`` is ``(B_t, in_size)``, ``B_t`` non-increasing.

    Returns:
        ``(hy, ys)``: the final state ``(n_layers, B, H)`` and the time-major
        tuple of top-layer outputs ``ys[t]`` of shape ``(B_t, H)``.

    The gradient is first order only.  A kernel registered for
    ``('n_step_gru', backend)`` replaces the generic code.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.functions.n_step_gru import n_step_gru
        >>> rng = np.random.default_rng(0)
        >>> ws = [[rng.standard_normal((3, 2), np.float32) for _ in range(3)]
        ...       + [rng.standard_normal((3, 3), np.float32) for _ in range(3)]]
        >>> bs = [[np.zeros(3, np.float32) for _ in range(6)]]
        >>> xs = [np.ones((2, 2), np.float32), np.ones((1, 2), np.float32)]
        >>> hy, ys = n_step_gru(1, 0.0, None, ws, bs, xs)
        >>> hy.shape, [y.shape for y in ys]
        ((1, 2, 3), [(2, 3), (1, 3)])
    """
    hy, _, ys = n_step("n_step_gru", "n_step_gru", _CELL, n_layers, dropout_ratio, hx, None, ws, bs, xs, 1)
    return hy, ys


def n_step_bigru(n_layers, dropout_ratio, hx, ws, bs, xs):
    """Stacked bidirectional GRU over a time-major, length-sorted batch.

    As :func:`n_step_gru` with ``2 * n_layers`` entries in ``hx``, ``ws`` and
    ``bs`` (``[layer * 2 + d]``); ``ys[t]`` is ``(B_t, 2 * H)``.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.functions.n_step_gru import n_step_bigru
        >>> rng = np.random.default_rng(0)
        >>> ws = [[rng.standard_normal((3, 2), np.float32) for _ in range(3)]
        ...       + [rng.standard_normal((3, 3), np.float32) for _ in range(3)] for _ in range(2)]
        >>> bs = [[np.zeros(3, np.float32) for _ in range(6)] for _ in range(2)]
        >>> hy, ys = n_step_bigru(1, 0.0, None, ws, bs, [np.ones((1, 2), np.float32)])
        >>> hy.shape, ys[0].shape
        ((2, 1, 3), (1, 6))
    """
    hy, _, ys = n_step("n_step_bigru", "n_step_gru", _CELL, n_layers, dropout_ratio, hx, None, ws, bs, xs, 2)
    return hy, ys
