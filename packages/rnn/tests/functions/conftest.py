"""Helpers shared by the n_step_{lstm,gru,rnn} function tests.

Test folders have no __init__.py and pytest runs with --import-mode=importlib,
so sibling test modules cannot import each other: the shared code is handed
out by a session-scoped fixture (hypothesis @given tests may use it, since it
is not function-scoped).

Conventions: ``states`` is a tuple of the initial states, ``(hx,)`` or
``(hx, cx)``; a ``run`` callable takes ``(n_layers, dropout_ratio, states, ws,
bs, xs)`` and returns the function's outputs, whose last item is ``ys``.
``VARIANTS`` describes each function pair (``nstep.variants[name]``), for the
tests all of them share (test_n_step_shared.py).
"""
import contextlib
import types

import numpy as np
import pytest

import kusari
from kusari import plugins
from kusari.gradient_check import check_backward
from kusari.rnn.functions.n_step_gru import n_step_bigru, n_step_gru
from kusari.rnn.functions.n_step_lstm import n_step_bilstm, n_step_lstm
from kusari.rnn.functions.n_step_rnn import n_step_birnn, n_step_rnn


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_cell(w, b, x, h, c):
    """One LSTM step with Chainer's gate order (i, f, a, o)."""
    i = _sigmoid(w[0] @ x + b[0] + w[4] @ h + b[4])
    f = _sigmoid(w[1] @ x + b[1] + w[5] @ h + b[5])
    a = np.tanh(w[2] @ x + b[2] + w[6] @ h + b[6])
    o = _sigmoid(w[3] @ x + b[3] + w[7] @ h + b[7])
    c = f * c + i * a
    return o * np.tanh(c), c


def gru_cell(w, b, x, h):
    """One GRU step with Chainer's gate order (r, z, n)."""
    r = _sigmoid(w[0] @ x + b[0] + w[3] @ h + b[3])
    z = _sigmoid(w[1] @ x + b[1] + w[4] @ h + b[4])
    n = np.tanh(w[2] @ x + b[2] + r * (w[5] @ h + b[5]))
    return ((1 - z) * n + z * h,)


_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0)}


def elman_cell(activation="tanh", pre_activations=None):
    """An Elman RNN step; appends each pre-activation to ``pre_activations`` if given."""
    act = _ACTIVATIONS[activation]

    def cell(w, b, x, h):
        pre = w[0] @ x + b[0] + w[1] @ h + b[1]
        if pre_activations is not None:
            pre_activations.append(pre)
        return (act(pre),)
    return cell


def params(rng, n_layers, n_dir, in_size, H, n_mats, dtype=np.float32):
    """``n_mats`` weights and biases per layer and direction; the first half of
    the weights act on the layer's input, the second half on the hidden state."""
    ws, bs = [], []
    for layer in range(n_layers):
        for _ in range(n_dir):
            n_in = in_size if layer == 0 else n_dir * H
            ws.append([rng.uniform(-1, 1, (H, n_in if j < n_mats // 2 else H)).astype(dtype)
                       for j in range(n_mats)])
            bs.append([rng.uniform(-1, 1, H).astype(dtype) for _ in range(n_mats)])
    return ws, bs


def time_major(seqs):
    """Sequences sorted by decreasing length -> Chainer's time-major list."""
    return [np.stack([s[t] for s in seqs if len(s) > t]) for t in range(len(seqs[0]))]


def reference(n_layers, n_dir, states, ws, bs, seqs, cell):
    """Plain per-sequence, per-step stacked RNN (batch-major) built from ``cell``.

    ``cell(w, b, x_t, *state) -> new state`` whose first item is the output h.
    Returns the final states followed by the list of per-sequence outputs.
    """
    finals = [np.array(s, np.float64) for s in states]
    outs = [np.asarray(s, np.float64) for s in seqs]
    for layer in range(n_layers):
        new_outs = []
        for k, x in enumerate(outs):
            parts = []
            for d in range(n_dir):
                idx = layer * n_dir + d
                w, b = ws[idx], bs[idx]
                state = tuple(s[idx, k].astype(np.float64) for s in states)
                y = np.zeros((len(x), len(state[0])))
                steps = range(len(x) - 1, -1, -1) if d == 1 else range(len(x))
                for t in steps:
                    state = cell(w, b, x[t], *state)
                    y[t] = state[0]
                for final, s in zip(finals, state):
                    final[idx, k] = s
                parts.append(y)
            new_outs.append(np.concatenate(parts, axis=1))
        outs = new_outs
    return (*finals, outs)


def case(seed, n_layers, n_dir, lengths, n_mats, in_size=3, H=4, dtype=np.float32, n_states=1):
    """Random sequences (sorted by decreasing length), parameters and initial
    states: returns ``seqs, ws, bs, states``."""
    rng = np.random.default_rng(seed)
    lengths = sorted(lengths, reverse=True)
    seqs = [rng.uniform(-1, 1, (n, in_size)).astype(dtype) for n in lengths]
    ws, bs = params(rng, n_layers, n_dir, in_size, H, n_mats, dtype)
    hx = rng.uniform(-1, 1, (n_layers * n_dir, len(seqs), H)).astype(dtype)
    states = (hx, *[rng.uniform(-1, 1, hx.shape).astype(dtype) for _ in range(n_states - 1)])
    return seqs, ws, bs, states


def assert_states_close(out, ref):
    for s, r in zip(out[:-1], ref[:-1]):
        np.testing.assert_allclose(s.array, r, rtol=1e-5, atol=1e-5)


def assert_matches_reference(out, ref, n_steps):
    """Outputs ``(*states, ys)`` are float32 and match the reference's."""
    ys = out[-1]
    assert all(s.dtype == np.float32 for s in out[:-1]) and ys[0].dtype == np.float32
    assert_states_close(out, ref)
    assert len(ys) == n_steps
    np.testing.assert_allclose(np.concatenate([y.array for y in ys]),
                               np.concatenate(time_major(ref[-1])), rtol=1e-5, atol=1e-5)


def check_batch_independence(run, n_layers, states, ws, bs, seqs):
    """Each sequence run alone gives the same states and outputs as in the batch."""
    out = run(n_layers, 0.0, states, ws, bs, time_major(seqs))
    for k, s in enumerate(seqs):
        out_k = run(n_layers, 0.0, tuple(st[:, k:k + 1] for st in states), ws, bs, time_major([s]))
        for whole, alone in zip(out[:-1], out_k[:-1]):
            np.testing.assert_allclose(whole.array[:, k], alone.array[:, 0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.stack([y.array[k] for y in out[-1][:len(s)]]),
                                   np.concatenate([y.array for y in out_k[-1]]), rtol=1e-5, atol=1e-6)


def check_n_step_backward(run, n_layers, n_dir, H, seed, states, ws, bs, xs):
    """Finite-difference check through every state, weight, bias and input."""
    k = len(ws[0])
    ns = len(states)
    nw = len(ws) * k

    def f(*inputs):
        rest = inputs[ns:]
        ws_ = [list(rest[i * k:(i + 1) * k]) for i in range(len(ws))]
        bs_ = [list(rest[nw + i * k:nw + (i + 1) * k]) for i in range(len(ws))]
        out = run(n_layers, 0.0, inputs[:ns], ws_, bs_, list(rest[2 * nw:]))
        return tuple(out[:-1]) + tuple(out[-1])

    rng = np.random.default_rng(seed + 1)
    inputs = (*states, *[w for ww in ws for w in ww], *[b for bb in bs for b in bb], *xs)
    gys = (*[rng.standard_normal(s.shape) for s in states],
           *[rng.standard_normal((len(x), n_dir * H)) for x in xs])
    check_backward(f, inputs, gys, eps=1e-4, atol=1e-6, rtol=1e-5)


def check_gradient_reaches_every_input(run, n_layers, n_states, ws, bs, xs):
    """Float32 gradients reach the inputs and every weight (states left as None)."""
    xs = [kusari.Variable(x) for x in xs]
    W = [[kusari.Variable(w) for w in ww] for ww in ws]
    ys = run(n_layers, 0.0, (None,) * n_states, W, bs, xs)[-1]
    kusari.functions.sum(ys[0]).backward()
    assert xs[1].grad is not None and xs[1].grad.dtype == np.float32
    assert all(w.grad is not None and w.grad.shape == w.shape for ww in W for w in ww)


def check_dropout(run, states, ws, bs, xs):
    """A two-layer run: dropout only acts in training and never on layer 0's input."""
    plain = run(2, 0.0, states, ws, bs, xs)
    with kusari.using_config("train", False):
        off = run(2, 0.9, states, ws, bs, xs)
    with kusari.using_config("train", True):
        on = run(2, 0.9, states, ws, bs, xs)
        one_layer = run(1, 0.9, tuple(s[:1] for s in states), ws[:1], bs[:1], xs)
    np.testing.assert_array_equal(off[0].array, plain[0].array)
    np.testing.assert_array_equal(off[-1][0].array, plain[-1][0].array)
    # The first layer's input is never dropped; the second layer's is.
    np.testing.assert_array_equal(on[0].array[0], plain[0].array[0])
    np.testing.assert_array_equal(one_layer[0].array[0], plain[0].array[0])
    assert not np.allclose(on[0].array[1], plain[0].array[1])


class FakeKernels:
    """A plugin registering ``kernel_name`` for numpy that records its calls."""

    def __init__(self, kernel_name, result):
        self.kernel_name = kernel_name
        self.result = result
        self.calls = []

    @plugins.hookimpl
    def kusari_register_kernels(self, registry):
        registry.add(self.kernel_name, "numpy", self.kernel)

    def kernel(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.result


@contextlib.contextmanager
def fake_kernels(kernel_name, result, plugin_name):
    """Register a :class:`FakeKernels` while the block runs."""
    fake = FakeKernels(kernel_name, result)
    name = plugins.register(fake, plugin_name)
    try:
        yield fake
    finally:
        plugins.unregister(name)


class Variant:
    """One ``n_step_*`` pair (uni- and bidirectional) and what its tests need.

    ``mats`` weights (and biases) per layer and direction, ``n_states``
    initial states (2 for the LSTM's ``hx, cx``), ``cell`` the one-step
    reference for :func:`reference`; ``activation`` is passed on (Elman RNNs).
    """

    def __init__(self, uni, bi, mats, n_states, cell, activation=None):
        self.uni, self.bi = uni, bi
        self.mats = mats
        self.n_states = n_states
        self.cell = cell
        self.activation = activation

    def run(self, n_layers, dropout_ratio, states, ws, bs, xs):
        """Call the uni- or bidirectional function, whichever ``ws`` is for."""
        fn = self.bi if len(ws) == 2 * n_layers else self.uni
        extra = () if self.activation is None else (self.activation,)
        return fn(n_layers, dropout_ratio, *states, ws, bs, xs, *extra)

    def case(self, seed, n_layers, n_dir, lengths, *args):
        """:func:`case` with this variant's weight and state counts."""
        return case(seed, n_layers, n_dir, lengths, self.mats, *args, n_states=self.n_states)

    def finite_differences_valid(self, n_layers, n_dir, states, ws, bs, seqs):
        """False when a relu pre-activation lies within 1e-3 of the kink, where
        finite differences are wrong; always True for smooth cells."""
        if self.activation != "relu":
            return True
        pres = []
        reference(n_layers, n_dir, states, ws, bs, seqs, elman_cell("relu", pres))
        return min(np.abs(p).min() for p in pres) > 1e-3


VARIANTS = {
    "lstm": Variant(n_step_lstm, n_step_bilstm, 8, 2, lstm_cell),
    "gru": Variant(n_step_gru, n_step_bigru, 6, 1, gru_cell),
    "rnn_tanh": Variant(n_step_rnn, n_step_birnn, 2, 1, elman_cell("tanh"), "tanh"),
    "rnn_relu": Variant(n_step_rnn, n_step_birnn, 2, 1, elman_cell("relu"), "relu"),
}


@pytest.fixture(scope="session")
def nstep():
    """The helpers above, as one object."""
    return types.SimpleNamespace(
        lstm_cell=lstm_cell, gru_cell=gru_cell, elman_cell=elman_cell, params=params,
        time_major=time_major, reference=reference, case=case,
        assert_states_close=assert_states_close, assert_matches_reference=assert_matches_reference,
        check_batch_independence=check_batch_independence, check_n_step_backward=check_n_step_backward,
        check_gradient_reaches_every_input=check_gradient_reaches_every_input,
        check_dropout=check_dropout, fake_kernels=fake_kernels, variants=VARIANTS,
    )
