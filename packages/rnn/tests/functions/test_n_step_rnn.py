import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import kusari
from kusari import plugins
from kusari.gradient_check import check_backward
from kusari.rnn.functions.n_step_rnn import n_step_birnn, n_step_rnn
from kusari.utils.type_check import InvalidType

_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0)}


def _params(rng, n_layers, n_dir, in_size, H, dtype=np.float32):
    ws, bs = [], []
    for layer in range(n_layers):
        for _ in range(n_dir):
            n_in = in_size if layer == 0 else n_dir * H
            ws.append([rng.uniform(-1, 1, (H, n_in)).astype(dtype), rng.uniform(-1, 1, (H, H)).astype(dtype)])
            bs.append([rng.uniform(-1, 1, H).astype(dtype) for _ in range(2)])
    return ws, bs


def _time_major(seqs):
    """Sequences sorted by decreasing length -> Chainer's time-major list."""
    return [np.stack([s[t] for s in seqs if len(s) > t]) for t in range(len(seqs[0]))]


def _reference(n_layers, n_dir, hx, ws, bs, seqs, activation="tanh", pre_activations=None):
    """Plain per-sequence, per-step Elman RNN (batch-major); collects pre-activations if asked."""
    act = _ACTIVATIONS[activation]
    hy = np.array(hx, np.float64)
    outs = [np.asarray(s, np.float64) for s in seqs]
    for layer in range(n_layers):
        new_outs = []
        for k, x in enumerate(outs):
            parts = []
            for d in range(n_dir):
                idx = layer * n_dir + d
                w, b = ws[idx], bs[idx]
                h = hx[idx, k].astype(np.float64)
                y = np.zeros((len(x), len(h)))
                steps = range(len(x) - 1, -1, -1) if d == 1 else range(len(x))
                for t in steps:
                    pre = w[0] @ x[t] + b[0] + w[1] @ h + b[1]
                    if pre_activations is not None:
                        pre_activations.append(pre)
                    h = act(pre)
                    y[t] = h
                hy[idx, k] = h
                parts.append(y)
            new_outs.append(np.concatenate(parts, axis=1))
        outs = new_outs
    return hy, outs


def _case(seed, n_layers, n_dir, lengths, in_size=3, H=4, dtype=np.float32):
    rng = np.random.default_rng(seed)
    lengths = sorted(lengths, reverse=True)
    seqs = [rng.uniform(-1, 1, (n, in_size)).astype(dtype) for n in lengths]
    ws, bs = _params(rng, n_layers, n_dir, in_size, H, dtype)
    hx = rng.uniform(-1, 1, (n_layers * n_dir, len(seqs), H)).astype(dtype)
    return seqs, ws, bs, hx


def _run(n_dir, *args):
    return (n_step_birnn if n_dir == 2 else n_step_rnn)(*args)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("n_layers,n_dir", [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_forward_matches_reference(n_layers, n_dir, activation):
    seqs, ws, bs, hx = _case(0, n_layers, n_dir, [5, 3, 3, 1])
    hy, ys = _run(n_dir, n_layers, 0.0, hx, ws, bs, _time_major(seqs), activation)
    rhy, routs = _reference(n_layers, n_dir, hx, ws, bs, seqs, activation)
    assert hy.dtype == ys[0].dtype == np.float32
    np.testing.assert_allclose(hy.array, rhy, rtol=1e-5, atol=1e-5)
    assert len(ys) == 5
    np.testing.assert_allclose(np.concatenate([y.array for y in ys]),
                               np.concatenate(_time_major(routs)), rtol=1e-5, atol=1e-5)


def test_none_state_is_zeros():
    seqs, ws, bs, hx = _case(1, 2, 2, [3, 2])
    hy, ys = n_step_birnn(2, 0.0, None, ws, bs, _time_major(seqs))
    rhy, routs = _reference(2, 2, np.zeros_like(hx), ws, bs, seqs)
    np.testing.assert_allclose(hy.array, rhy, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ys[1].array, _time_major(routs)[1], rtol=1e-5, atol=1e-5)


def test_batch_independence():
    seqs, ws, bs, hx = _case(2, 2, 2, [4, 4, 2, 1])
    hy, ys = n_step_birnn(2, 0.0, hx, ws, bs, _time_major(seqs))
    for k, s in enumerate(seqs):
        hk, yk = n_step_birnn(2, 0.0, hx[:, k:k + 1], ws, bs, _time_major([s]))
        np.testing.assert_allclose(hy.array[:, k], hk.array[:, 0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.stack([y.array[k] for y in ys[:len(s)]]),
                                   np.concatenate([y.array for y in yk]), rtol=1e-5, atol=1e-6)


@given(seed=st.integers(0, 2**16), n_layers=st.integers(1, 2), n_dir=st.integers(1, 2),
       lengths=st.lists(st.integers(1, 3), min_size=1, max_size=3),
       in_size=st.integers(1, 2), H=st.integers(1, 2), activation=st.sampled_from(["tanh", "relu"]))
def test_backward(seed, n_layers, n_dir, lengths, in_size, H, activation):
    seqs, ws, bs, hx = _case(seed, n_layers, n_dir, lengths, in_size, H, np.float64)
    xs = _time_major(seqs)
    k = len(ws[0])
    nw = len(ws) * k

    def f(hx, *rest):
        ws_ = [list(rest[i * k:(i + 1) * k]) for i in range(len(ws))]
        bs_ = [list(rest[nw + i * k:nw + (i + 1) * k]) for i in range(len(ws))]
        hy, ys = _run(n_dir, n_layers, 0.0, hx, ws_, bs_, list(rest[2 * nw:]), activation)
        return (hy,) + tuple(ys)

    rng = np.random.default_rng(seed + 1)
    inputs = (hx, *[w for ww in ws for w in ww], *[b for bb in bs for b in bb], *xs)
    gys = (rng.standard_normal(hx.shape), *[rng.standard_normal((len(x), n_dir * H)) for x in xs])
    if activation == "relu":
        # Finite differences are wrong at relu's kink: keep pre-activations away from it.
        pres = []
        _reference(n_layers, n_dir, hx, ws, bs, seqs, activation, pres)
        assume(min(np.abs(p).min() for p in pres) > 1e-3)
    check_backward(f, inputs, gys, eps=1e-4, atol=1e-6, rtol=1e-5)


def test_gradient_reaches_every_input_float32():
    seqs, ws, bs, hx = _case(3, 2, 1, [3, 1])
    xs = [kusari.Variable(x) for x in _time_major(seqs)]
    W = [[kusari.Variable(w) for w in ww] for ww in ws]
    hy, ys = n_step_rnn(2, 0.0, None, W, bs, xs)
    kusari.functions.sum(ys[0]).backward()
    assert xs[1].grad is not None and xs[1].grad.dtype == np.float32
    assert all(w.grad is not None and w.grad.shape == w.shape for ww in W for w in ww)


def test_dropout():
    seqs, ws, bs, hx = _case(4, 2, 1, [4, 3])
    xs = _time_major(seqs)
    plain = n_step_rnn(2, 0.0, hx, ws, bs, xs)
    with kusari.using_config("train", False):
        off = n_step_rnn(2, 0.9, hx, ws, bs, xs)
    with kusari.using_config("train", True):
        on = n_step_rnn(2, 0.9, hx, ws, bs, xs)
        one_layer = n_step_rnn(1, 0.9, hx[:1], ws[:1], bs[:1], xs)
    np.testing.assert_array_equal(off[0].array, plain[0].array)
    np.testing.assert_array_equal(off[1][0].array, plain[1][0].array)
    # The first layer's input is never dropped; the second layer's is.
    np.testing.assert_array_equal(on[0].array[0], plain[0].array[0])
    np.testing.assert_array_equal(one_layer[0].array[0], plain[0].array[0])
    assert not np.allclose(on[0].array[1], plain[0].array[1])


def test_errors():
    seqs, ws, bs, hx = _case(5, 1, 1, [3, 2])
    xs = _time_major(seqs)
    with pytest.raises(InvalidType, match=r"n_step_rnn: argument 'xs' expected non-increasing batch sizes"):
        n_step_rnn(1, 0.0, None, ws, bs, xs[::-1])
    with pytest.raises(InvalidType, match=r"n_step_rnn: argument 'ws' expected a list of 2 lists .*got length 1"):
        n_step_rnn(2, 0.0, None, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"n_step_birnn: argument 'bs' expected a list of 2 lists"):
        n_step_birnn(1, 0.0, None, ws + ws, bs, xs)
    bad = [list(ws[0])]
    bad[0][1] = np.zeros((4, 2), np.float32)
    with pytest.raises(InvalidType, match=r"argument 'ws\[0\]\[1\]' expected a float32 array of shape \(4, 4\), "
                                          r"got float32 array of shape \(4, 2\)"):
        n_step_rnn(1, 0.0, None, bad, bs, xs)
    badb = [list(bs[0])]
    badb[0][1] = np.zeros(4, np.float64)
    with pytest.raises(InvalidType, match=r"argument 'bs\[0\]\[1\]' expected a float32 array of shape \(4,\), "
                                          r"got float64"):
        n_step_rnn(1, 0.0, None, ws, badb, xs)
    with pytest.raises(InvalidType, match=r"argument 'ws\[0\]' expected a list of 2 arrays, got length 3"):
        n_step_rnn(1, 0.0, None, [ws[0] + ws[0][:1]], bs, xs)
    with pytest.raises(InvalidType, match=r"n_step_rnn: argument 'activation' expected 'tanh' or 'relu', got 'sigmoid'"):
        n_step_rnn(1, 0.0, None, ws, bs, xs, activation="sigmoid")
    with pytest.raises(InvalidType, match=r"n_step_birnn: argument 'activation' expected 'tanh' or 'relu', got None"):
        n_step_birnn(1, 0.0, None, ws + ws, bs + bs, xs, activation=None)
    with pytest.raises(InvalidType, match=r"argument 'hx' expected a float32 array of shape \(1, 2, 4\)"):
        n_step_rnn(1, 0.0, hx[:, :1], ws, bs, xs)


class _FakeKernels:
    def __init__(self, result):
        self.result = result
        self.calls = []

    @plugins.hookimpl
    def kusari_register_kernels(self, registry):
        registry.add("n_step_rnn", "numpy", self.kernel)

    def kernel(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.result


def test_registered_kernel_is_called():
    seqs, ws, bs, hx = _case(6, 1, 1, [2, 1])
    xs = _time_major(seqs)
    fake = _FakeKernels(("hy", None, ("y0", "y1")))
    name = plugins.register(fake, "fake-n-step-rnn-kernels")
    try:
        out = n_step_rnn(1, 0.0, hx, ws, bs, xs, activation="relu")
    finally:
        plugins.unregister(name)
    assert out == ("hy", ("y0", "y1"))
    (args, kwargs), = fake.calls
    assert kwargs == {"use_bi_direction": False, "activation": "relu"}
    assert args[2] is hx and args[3] is None and args[4] is ws and args[6] is xs
    hy, ys = n_step_rnn(1, 0.0, hx, ws, bs, xs)
    np.testing.assert_allclose(hy.array, _reference(1, 1, hx, ws, bs, seqs)[0], rtol=1e-5, atol=1e-5)
