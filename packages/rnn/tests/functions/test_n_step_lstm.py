import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import plugins
from kusari.gradient_check import check_backward
from kusari.rnn.functions.n_step_lstm import n_step_bilstm, n_step_lstm
from kusari.utils.type_check import InvalidType


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _params(rng, n_layers, n_dir, in_size, H, dtype=np.float32):
    ws, bs = [], []
    for layer in range(n_layers):
        for _ in range(n_dir):
            n_in = in_size if layer == 0 else n_dir * H
            ws.append([rng.uniform(-1, 1, (H, n_in if j < 4 else H)).astype(dtype) for j in range(8)])
            bs.append([rng.uniform(-1, 1, H).astype(dtype) for _ in range(8)])
    return ws, bs


def _time_major(seqs):
    """Sequences sorted by decreasing length -> Chainer's time-major list."""
    return [np.stack([s[t] for s in seqs if len(s) > t]) for t in range(len(seqs[0]))]


def _reference(n_layers, n_dir, hx, cx, ws, bs, seqs):
    """Plain per-sequence, per-step LSTM with Chainer's gate order (batch-major)."""
    hy = np.array(hx, np.float64)
    cy = np.array(cx, np.float64)
    outs = [np.asarray(s, np.float64) for s in seqs]
    for layer in range(n_layers):
        new_outs = []
        for k, x in enumerate(outs):
            parts = []
            for d in range(n_dir):
                idx = layer * n_dir + d
                w, b = ws[idx], bs[idx]
                h, c = hx[idx, k].astype(np.float64), cx[idx, k].astype(np.float64)
                y = np.zeros((len(x), len(h)))
                steps = range(len(x) - 1, -1, -1) if d == 1 else range(len(x))
                for t in steps:
                    i = _sigmoid(w[0] @ x[t] + b[0] + w[4] @ h + b[4])
                    f = _sigmoid(w[1] @ x[t] + b[1] + w[5] @ h + b[5])
                    a = np.tanh(w[2] @ x[t] + b[2] + w[6] @ h + b[6])
                    o = _sigmoid(w[3] @ x[t] + b[3] + w[7] @ h + b[7])
                    c = f * c + i * a
                    h = o * np.tanh(c)
                    y[t] = h
                hy[idx, k], cy[idx, k] = h, c
                parts.append(y)
            new_outs.append(np.concatenate(parts, axis=1))
        outs = new_outs
    return hy, cy, outs


def _case(seed, n_layers, n_dir, lengths, in_size=3, H=4, dtype=np.float32):
    rng = np.random.default_rng(seed)
    lengths = sorted(lengths, reverse=True)
    seqs = [rng.uniform(-1, 1, (n, in_size)).astype(dtype) for n in lengths]
    ws, bs = _params(rng, n_layers, n_dir, in_size, H, dtype)
    hx = rng.uniform(-1, 1, (n_layers * n_dir, len(seqs), H)).astype(dtype)
    cx = rng.uniform(-1, 1, hx.shape).astype(dtype)
    return seqs, ws, bs, hx, cx


def _run(n_dir, *args):
    return (n_step_bilstm if n_dir == 2 else n_step_lstm)(*args)


@pytest.mark.parametrize("n_layers,n_dir", [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_forward_matches_reference(n_layers, n_dir):
    seqs, ws, bs, hx, cx = _case(0, n_layers, n_dir, [5, 3, 3, 1])
    hy, cy, ys = _run(n_dir, n_layers, 0.0, hx, cx, ws, bs, _time_major(seqs))
    rhy, rcy, routs = _reference(n_layers, n_dir, hx, cx, ws, bs, seqs)
    assert hy.dtype == cy.dtype == ys[0].dtype == np.float32
    np.testing.assert_allclose(hy.array, rhy, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(cy.array, rcy, rtol=1e-5, atol=1e-5)
    assert len(ys) == 5
    np.testing.assert_allclose(np.concatenate([y.array for y in ys]),
                               np.concatenate(_time_major(routs)), rtol=1e-5, atol=1e-5)


def test_none_states_are_zeros():
    seqs, ws, bs, hx, cx = _case(1, 2, 2, [3, 2])
    zeros = np.zeros_like(hx)
    hy, cy, ys = n_step_bilstm(2, 0.0, None, None, ws, bs, _time_major(seqs))
    rhy, rcy, routs = _reference(2, 2, zeros, zeros, ws, bs, seqs)
    np.testing.assert_allclose(hy.array, rhy, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(cy.array, rcy, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ys[1].array, _time_major(routs)[1], rtol=1e-5, atol=1e-5)


def test_batch_independence():
    seqs, ws, bs, hx, cx = _case(2, 2, 2, [4, 4, 2, 1])
    hy, cy, ys = n_step_bilstm(2, 0.0, hx, cx, ws, bs, _time_major(seqs))
    for k, s in enumerate(seqs):
        hk, ck, yk = n_step_bilstm(2, 0.0, hx[:, k:k + 1], cx[:, k:k + 1], ws, bs, _time_major([s]))
        np.testing.assert_allclose(hy.array[:, k], hk.array[:, 0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(cy.array[:, k], ck.array[:, 0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.stack([y.array[k] for y in ys[:len(s)]]),
                                   np.concatenate([y.array for y in yk]), rtol=1e-5, atol=1e-6)


@given(seed=st.integers(0, 2**16), n_layers=st.integers(1, 2), n_dir=st.integers(1, 2),
       lengths=st.lists(st.integers(1, 3), min_size=1, max_size=3),
       in_size=st.integers(1, 2), H=st.integers(1, 2))
def test_backward(seed, n_layers, n_dir, lengths, in_size, H):
    seqs, ws, bs, hx, cx = _case(seed, n_layers, n_dir, lengths, in_size, H, np.float64)
    xs = _time_major(seqs)
    nw = len(ws) * 8

    def f(hx, cx, *rest):
        ws_ = [list(rest[i * 8:(i + 1) * 8]) for i in range(len(ws))]
        bs_ = [list(rest[nw + i * 8:nw + (i + 1) * 8]) for i in range(len(ws))]
        hy, cy, ys = _run(n_dir, n_layers, 0.0, hx, cx, ws_, bs_, list(rest[2 * nw:]))
        return (hy, cy) + tuple(ys)

    rng = np.random.default_rng(seed + 1)
    inputs = (hx, cx, *[w for ww in ws for w in ww], *[b for bb in bs for b in bb], *xs)
    gys = (rng.standard_normal(hx.shape), rng.standard_normal(hx.shape),
           *[rng.standard_normal((len(x), n_dir * H)) for x in xs])
    check_backward(f, inputs, gys, eps=1e-4, atol=1e-6, rtol=1e-5)


def test_gradient_reaches_every_input_float32():
    seqs, ws, bs, hx, cx = _case(3, 2, 1, [3, 1])
    xs = [kusari.Variable(x) for x in _time_major(seqs)]
    W = [[kusari.Variable(w) for w in ww] for ww in ws]
    hy, cy, ys = n_step_lstm(2, 0.0, None, None, W, bs, xs)
    kusari.functions.sum(ys[0]).backward()
    assert xs[1].grad is not None and xs[1].grad.dtype == np.float32
    assert all(w.grad is not None and w.grad.shape == w.shape for ww in W for w in ww)


def test_dropout():
    seqs, ws, bs, hx, cx = _case(4, 2, 1, [4, 3])
    xs = _time_major(seqs)
    plain = n_step_lstm(2, 0.0, hx, cx, ws, bs, xs)
    with kusari.using_config("train", False):
        off = n_step_lstm(2, 0.9, hx, cx, ws, bs, xs)
    with kusari.using_config("train", True):
        on = n_step_lstm(2, 0.9, hx, cx, ws, bs, xs)
        one_layer = n_step_lstm(1, 0.9, hx[:1], cx[:1], ws[:1], bs[:1], xs)
    np.testing.assert_array_equal(off[0].array, plain[0].array)
    np.testing.assert_array_equal(off[2][0].array, plain[2][0].array)
    # The first layer's input is never dropped; the second layer's is.
    np.testing.assert_array_equal(on[0].array[0], plain[0].array[0])
    np.testing.assert_array_equal(one_layer[0].array[0], plain[0].array[0])
    assert not np.allclose(on[0].array[1], plain[0].array[1])


def test_errors():
    seqs, ws, bs, hx, cx = _case(5, 1, 1, [3, 2])
    xs = _time_major(seqs)
    with pytest.raises(InvalidType, match=r"n_step_lstm: argument 'xs' expected non-increasing batch sizes"):
        n_step_lstm(1, 0.0, None, None, ws, bs, xs[::-1])
    with pytest.raises(InvalidType, match=r"n_step_lstm: argument 'ws' expected a list of 2 lists .*got length 1"):
        n_step_lstm(2, 0.0, None, None, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"n_step_bilstm: argument 'ws' expected a list of 2 lists"):
        n_step_bilstm(1, 0.0, None, None, ws, bs, xs)
    bad = [list(ws[0])]
    bad[0][5] = np.zeros((4, 3), np.float32)
    with pytest.raises(InvalidType, match=r"argument 'ws\[0\]\[5\]' expected a float32 array of shape \(4, 4\), "
                                          r"got float32 array of shape \(4, 3\)"):
        n_step_lstm(1, 0.0, None, None, bad, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'ws\[0\]' expected a list of 8 arrays, got length 7"):
        n_step_lstm(1, 0.0, None, None, [ws[0][:7]], bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'hx' expected a float32 array of shape \(1, 2, 4\)"):
        n_step_lstm(1, 0.0, hx[:, :1], cx, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'cx' expected .* got float32 array of shape \(1, 2, 3\)"):
        n_step_lstm(1, 0.0, hx, cx[:, :, :3], ws, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'n_layers' expected a positive int, got 0"):
        n_step_lstm(0, 0.0, None, None, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'dropout_ratio' expected a float in \[0, 1\), got 1.5"):
        n_step_lstm(1, 1.5, None, None, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'xs' expected a non-empty list .*got an empty list"):
        n_step_lstm(1, 0.0, None, None, ws, bs, [])
    with pytest.raises(InvalidType, match=r"argument 'xs\[1\]' expected a float32 array of shape \(B_t, 3\)"):
        n_step_lstm(1, 0.0, None, None, ws, bs, [xs[0], xs[1][:, :2]])


class _FakeKernels:
    def __init__(self, result):
        self.result = result
        self.calls = []

    @plugins.hookimpl
    def kusari_register_kernels(self, registry):
        registry.add("n_step_lstm", "numpy", self.kernel)

    def kernel(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.result


def test_registered_kernel_is_called():
    seqs, ws, bs, hx, cx = _case(6, 1, 2, [2, 1])
    xs = _time_major(seqs)
    fake = _FakeKernels(("hy", "cy", ("y0", "y1")))
    name = plugins.register(fake, "fake-n-step-lstm-kernels")
    try:
        out = n_step_bilstm(1, 0.25, None, cx, ws, bs, xs)
    finally:
        plugins.unregister(name)
    assert out == ("hy", "cy", ("y0", "y1"))
    (args, kwargs), = fake.calls
    assert kwargs == {"use_bi_direction": True, "activation": None}
    assert args[:2] == (1, 0.25)
    np.testing.assert_array_equal(args[2], np.zeros((2, 2, 4), np.float32))
    assert args[3] is cx and args[4] is ws and args[5] is bs and args[6] is xs
    # Unregistered: the generic implementation runs again.
    assert n_step_bilstm(1, 0.0, None, cx, ws, bs, xs)[0].shape == (2, 2, 4)


def test_kernel_may_decline():
    seqs, ws, bs, hx, cx = _case(7, 1, 1, [2, 2])
    xs = _time_major(seqs)
    fake = _FakeKernels(NotImplemented)
    name = plugins.register(fake, "fake-n-step-lstm-decline")
    try:
        hy, cy, ys = n_step_lstm(1, 0.0, hx, cx, ws, bs, xs)
    finally:
        plugins.unregister(name)
    assert len(fake.calls) == 1
    np.testing.assert_allclose(hy.array, _reference(1, 1, hx, cx, ws, bs, seqs)[0], rtol=1e-5, atol=1e-5)
