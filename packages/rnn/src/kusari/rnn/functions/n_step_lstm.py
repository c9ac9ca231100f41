"""``n_step_lstm`` / ``n_step_bilstm``: stacked (bi)directional LSTMs over time-major batches.

Chainer's weight layout, per layer and direction (``ws[layer * n_dir + d]``):
``W0..W3`` act on the input, ``W4..W7`` on the hidden state; ``W0/W4`` input
gate, ``W1/W5`` forget gate, ``W2/W6`` cell candidate (tanh), ``W3/W7``
output gate; ``bs`` the same with vectors.  The driver and the kernel
calling convention are documented in :mod:`kusari.rnn.functions._n_step`.

Internally the four gates are stacked in the order (o, i, f, a) so the
three sigmoid gates are one contiguous block: their pre-activations are
halved once and ``sigmoid(x) = 0.5 * tanh(x / 2) + 0.5`` shares one ``tanh``
call with the candidate (``tanh`` is about half the cost of ``exp`` here).
"""
from __future__ import annotations

from kusari.rnn.functions._n_step import n_step, step_rows


class _LSTMCell:
    name = "n_step_lstm"
    has_cell = True
    n_weights = 8

    @staticmethod
    def stack(xp, w, b):
        # Chainer index of the (o, i, f, a) blocks.
        Wx = xp.concatenate([w[3], w[0], w[1], w[2]], axis=0)
        Wh = xp.concatenate([w[7], w[4], w[5], w[6]], axis=0)
        bias = xp.concatenate([b[3] + b[7], b[0] + b[4], b[1] + b[5], b[2] + b[6]])
        return Wx, Wh, bias, None

    @staticmethod
    def unstack(gWx, gWh, gbx, gbh):
        H = gWh.shape[1]
        o, i, f, a = (slice(k * H, (k + 1) * H) for k in range(4))
        gw = [gWx[i], gWx[f], gWx[a], gWx[o], gWh[i], gWh[f], gWh[a], gWh[o]]
        gb = [gbx[i], gbx[f], gbx[a], gbx[o]]
        return gw, gb + [g.copy() for g in gb]

    @staticmethod
    def forward(xp, G, Wh, bh, h0, c0, batches, offsets, reverse):
        N, H4 = G.shape
        H = H4 // 4
        H3 = 3 * H
        dtype = G.dtype
        G[:, :H3] *= dtype.type(0.5)
        WhT = Wh.T.copy()
        WhT[:, :H3] *= dtype.type(0.5)
        h = h0.copy()
        c = c0.copy()
        Y = xp.empty((N, H), dtype)
        C = xp.empty((N, H), dtype)
        TC = xp.empty((N, H), dtype)
        Hprev = xp.empty((N, H), dtype)
        Cprev = xp.empty((N, H), dtype)
        scratch = xp.empty((batches[0] if batches else 0, H4), dtype)
        tmp = xp.empty((batches[0] if batches else 0, H), dtype)
        for b, s, e in step_rows(batches, offsets, reverse):
            hp = h[:b]
            cp = c[:b]
            Hprev[s:e] = hp
            Cprev[s:e] = cp
            g = G[s:e]
            sc = scratch[:b]
            xp.dot(hp, WhT, out=sc)
            g += sc
            xp.tanh(g, out=g)
            sg = g[:, :H3]
            sg *= 0.5
            sg += 0.5
            cn = C[s:e]
            xp.multiply(g[:, H:2 * H], g[:, H3:], out=cn)
            tm = tmp[:b]
            xp.multiply(g[:, 2 * H:H3], cp, out=tm)
            cn += tm
            tc = TC[s:e]
            xp.tanh(cn, out=tc)
            hn = Y[s:e]
            xp.multiply(g[:, :H], tc, out=hn)
            hp[...] = hn
            cp[...] = cn
        return h, c, Y, (G, TC, Cprev, Hprev)

    @staticmethod
    def backward(xp, state, gY, ghy, gcy, Wh, batches, offsets, reverse):
        G, TC, Cprev, Hprev = state
        N, H4 = G.shape
        H = H4 // 4
        o, i, f, a = (G[:, k * H:(k + 1) * H] for k in range(4))
        # Gate derivative factors for all steps at once, so the loop below is
        # one product and a few ufuncs per step.
        Ko = TC * o * (1 - o)
        Kc = o * (1 - TC * TC)
        K3 = xp.empty((N, 3, H), G.dtype)
        xp.multiply(a * i, 1 - i, out=K3[:, 0])
        xp.multiply(Cprev * f, 1 - f, out=K3[:, 1])
        xp.multiply(i, 1 - a * a, out=K3[:, 2])
        dG = xp.empty_like(G)
        dG3 = dG.reshape(N, 4, H)
        gh = ghy.copy()
        gc = gcy.copy()
        for b, s, e in reversed(step_rows(batches, offsets, reverse)):
            dh = gY[s:e] + gh[:b]
            dc = dh * Kc[s:e]
            dc += gc[:b]
            xp.multiply(dh, Ko[s:e], out=dG3[s:e, 0])
            xp.multiply(dc[:, None, :], K3[s:e], out=dG3[s:e, 1:])
            xp.multiply(dc, f[s:e], out=gc[:b])
            xp.dot(dG[s:e], Wh, out=gh[:b])
        return dG, dG, Hprev, gh, gc


_CELL = _LSTMCell()


def n_step_lstm(n_layers, dropout_ratio, hx, cx, ws, bs, xs):
    """Stacked unidirectional LSTM over a time-major, length-sorted batch.

    Args:
        n_layers: number of layers.
        dropout_ratio: dropout on each layer's input except the first's
            (only while ``config.train``).
        hx, cx: initial hidden / cell states ``(n_layers, B, H)``, or None for zeros.
        ws: ``n_layers`` lists of 8 matrices: ``W0..W3`` ``(H, in)`` (``in``
            is ``in_size`` for layer 0, else ``H``), ``W4..W7`` ``(H, H)``;
            gates input (0/4), forget (1/5), candidate (2/6), output (3/7).
        bs: ``n_layers`` lists of 8 vectors ``(H,)`` in the same order.
        xs: time-major list: ``xs[t]`` is ``(B_t, in_size)``, ``B_t`` non-increasing.

    Returns:
        ``(hy, cy, ys)``: final states ``(n_layers, B, H)`` and the time-major
        tuple of top-layer outputs ``ys[t]`` of shape ``(B_t, H)``.

    The gradient is first order only (the backward is analytic, on arrays),
    like Chainer's cuDNN path.  A kernel registered for ``('n_step_lstm',
    backend)`` replaces the generic code (see :mod:`kusari.rnn.functions._n_step`).

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.functions.n_step_lstm import n_step_lstm
        >>> rng = np.random.default_rng(0)
        >>> ws = [[rng.standard_normal((3, 2), np.float32) for _ in range(4)]
        ...       + [rng.standard_normal((3, 3), np.float32) for _ in range(4)]]
        >>> bs = [[np.zeros(3, np.float32) for _ in range(8)]]
        >>> xs = [np.ones((2, 2), np.float32), np.ones((1, 2), np.float32)]
        >>> hy, cy, ys = n_step_lstm(1, 0.0, None, None, ws, bs, xs)
        >>> hy.shape, cy.shape, [y.shape for y in ys], ys[0].dtype
        ((1, 2, 3), (1, 2, 3), [(2, 3), (1, 3)], dtype('float32'))
    """
    return n_step("n_step_lstm", "n_step_lstm", _CELL, n_layers, dropout_ratio, hx, cx, ws, bs, xs, 1)


def n_step_bilstm(n_layers, dropout_ratio, hx, cx, ws, bs, xs):
    """Stacked bidirectional LSTM over a time-major, length-sorted batch.

    As :func:`n_step_lstm` with two directions per layer: ``hx``, ``cx``,
    ``ws`` and ``bs`` have ``2 * n_layers`` entries (``[layer * 2 + d]``, ``d``
    0 forward, 1 backward in time), layers after the first take ``2 * H``
    inputs, and ``ys[t]`` is ``(B_t, 2 * H)`` (forward half first).

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.functions.n_step_lstm import n_step_bilstm
        >>> rng = np.random.default_rng(0)
        >>> ws = [[rng.standard_normal((3, 2), np.float32) for _ in range(4)]
        ...       + [rng.standard_normal((3, 3), np.float32) for _ in range(4)] for _ in range(2)]
        >>> bs = [[np.zeros(3, np.float32) for _ in range(8)] for _ in range(2)]
        >>> xs = [np.ones((2, 2), np.float32), np.ones((1, 2), np.float32)]
        >>> hy, cy, ys = n_step_bilstm(1, 0.0, None, None, ws, bs, xs)
        >>> hy.shape, [y.shape for y in ys]
        ((2, 2, 3), [(2, 6), (1, 6)])
    """
    return n_step("n_step_bilstm", "n_step_lstm", _CELL, n_layers, dropout_ratio, hx, cx, ws, bs, xs, 2)
