"""Tests of the NStep* links: Chainer's parameter layout, ordering, batch independence, npz compatibility."""
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari import initializers
from kusari.gradient_check import check_backward
from kusari.rnn.links.n_step_gru import NStepBiGRU, NStepGRU
from kusari.rnn.links.n_step_lstm import NStepBiLSTM, NStepLSTM
from kusari.rnn.links.n_step_rnn import NStepBiRNNReLU, NStepBiRNNTanh, NStepRNNReLU, NStepRNNTanh
from kusari.serializers import load_npz, save_npz
from kusari.utils.type_check import InvalidType

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")

# class -> (cell kind, directions, weights per layer-direction)
LINKS = {
    NStepLSTM: ("lstm", 1, 8), NStepBiLSTM: ("lstm", 2, 8),
    NStepGRU: ("gru", 1, 6), NStepBiGRU: ("gru", 2, 6),
    NStepRNNTanh: ("tanh", 1, 2), NStepBiRNNTanh: ("tanh", 2, 2),
    NStepRNNReLU: ("relu", 1, 2), NStepBiRNNReLU: ("relu", 2, 2),
}
ALL = list(LINKS)


# ---- an independent per-step NumPy reference, one sequence at a time ---------------
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _cell(kind, x, h, c, w, b):
    def lin(j, v):
        return v @ w[j].T + b[j]

    if kind == "lstm":
        i, f = _sigmoid(lin(0, x) + lin(4, h)), _sigmoid(lin(1, x) + lin(5, h))
        a, o = np.tanh(lin(2, x) + lin(6, h)), _sigmoid(lin(3, x) + lin(7, h))
        c = i * a + f * c
        return o * np.tanh(c), c
    if kind == "gru":
        r, z = _sigmoid(lin(0, x) + lin(3, h)), _sigmoid(lin(1, x) + lin(4, h))
        new = np.tanh(lin(2, x) + r * lin(5, h))
        return (1 - z) * new + z * h, c
    pre = lin(0, x) + lin(1, h)
    return (np.tanh(pre) if kind == "tanh" else np.maximum(pre, 0)), c


def reference(link, x, h0, c0):
    """Final states (n_layers * direction, H) and outputs (L, H * direction) of one sequence."""
    kind, n_dir, n_w = LINKS[type(link)]
    ws = [[np.asarray(getattr(cell, f"w{j}").array, np.float64) for j in range(n_w)] for cell in link]
    bs = [[np.asarray(getattr(cell, f"b{j}").array, np.float64) for j in range(n_w)] for cell in link]
    layer_in = np.asarray(x, np.float64)
    hy, cy = [], []
    for layer in range(link.n_layers):
        outs = []
        for d in range(n_dir):
            k = layer * n_dir + d
            h, c = np.asarray(h0[k], np.float64), np.asarray(c0[k], np.float64)
            steps = []
            for x_t in (layer_in if d == 0 else layer_in[::-1]):
                h, c = _cell(kind, x_t, h, c, ws[k], bs[k])
                steps.append(h)
            outs.append(np.stack(steps) if d == 0 else np.stack(steps[::-1]))
            hy.append(h)
            cy.append(c)
        layer_in = np.concatenate(outs, axis=1)
    return np.stack(hy), np.stack(cy), layer_in


def run(link, hx, cx, xs):
    """(hy, cy or None, ys) from any NStep link."""
    if link.n_cells == 2:
        return link(hx, cx, xs)
    hy, ys = link(hx, xs)
    return hy, None, ys


def make(cls, n_layers, in_size, out_size, seed=0, dropout=0.0):
    np.random.seed(seed)
    # Non-zero biases so a misplaced bias shows.
    return cls(n_layers, in_size, out_size, dropout, initial_bias=initializers.Uniform(0.5))


def random_batch(rng, link, lengths, in_size):
    xs = [rng.standard_normal((n, in_size)).astype(np.float32) for n in lengths]
    shape = (link.n_layers * link.direction, len(lengths), link.out_size)
    hx = rng.standard_normal(shape).astype(np.float32)
    cx = rng.standard_normal(shape).astype(np.float32)
    return xs, hx, cx


# ---- parameters ------------------------------------------------------------------------
@pytest.mark.parametrize("cls", ALL)
def test_parameter_names_and_shapes_follow_chainer(cls):
    _, n_dir, n_w = LINKS[cls]
    link = cls(2, 3, 5, 0.25)
    expected = {}
    for layer in range(2):
        for d in range(n_dir):
            for j in range(n_w):
                w_in = (3 if layer == 0 else 5 * n_dir) if j < n_w // 2 else 5
                expected[f"/{layer * n_dir + d}/w{j}"] = (5, w_in)
                expected[f"/{layer * n_dir + d}/b{j}"] = (5,)
    assert {name: p.shape for name, p in link.namedparams()} == expected
    assert (len(link), link.n_layers, link.out_size, link.dropout, link.direction) == (2 * n_dir, 2, 5, 0.25, n_dir)
    assert link.n_cells == (2 if LINKS[cls][0] == "lstm" else 1)
    assert link.ws[1][n_w - 1] is getattr(link[1], f"w{n_w - 1}")
    assert link.bs[0][0] is link[0].b0
    assert all(p.dtype == np.float32 for p in link.params())


def test_default_initializers_scale_by_fan_in_and_zero_bias():
    np.random.seed(0)
    link = NStepLSTM(1, 400, 300, 0.0)
    assert np.std(link[0].w0.array) == pytest.approx(np.sqrt(1 / 400), rel=0.05)
    assert np.std(link[0].w4.array) == pytest.approx(np.sqrt(1 / 300), rel=0.05)
    assert not np.any(link[0].b5.array)


def test_initialW_and_initial_bias_fill_every_parameter():
    link = NStepBiGRU(2, 3, 2, 0.0, initialW=0.5, initial_bias=initializers.Constant(-1.0))
    for name, p in link.namedparams():
        assert np.all(p.array == (0.5 if "/w" in name else -1.0)), name


def test_copy_share_keeps_ws_on_the_copy():
    link = NStepLSTM(1, 2, 3, 0.0)
    copied = link.copy()
    assert copied.ws[0][3] is copied[0].w3 and copied.ws[0][3] is not link[0].w3
    assert copied.ws[0][3].array is link[0].w3.array


# ---- lazy in_size ------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [NStepLSTM, NStepBiGRU, NStepBiRNNTanh])
def test_lazy_in_size_initialises_first_layer_input_weights_on_first_call(cls):
    _, n_dir, n_w = LINKS[cls]
    link = cls(2, None, 3, 0.0)
    assert link.in_size is None
    for k, cell in enumerate(link):
        for j in range(n_w):
            lazy = k < n_dir and j < n_w // 2
            assert getattr(cell, f"w{j}").is_initialized is not lazy
    xs = [np.ones((2, 5), np.float32), np.ones((4, 5), np.float32)]
    run(link, None, None, xs)
    assert link.in_size == 5
    assert link[n_dir - 1].w0.shape == (3, 5) and link[n_dir].w0.shape == (3, 3 * n_dir)
    with pytest.raises(InvalidType, match=r"argument 'xs\[0\]' expected shape \(N, 5\) \(in_size 5\), got \(2, 4\)"):
        run(link, None, None, [np.ones((2, 4), np.float32)])


def test_lazy_link_takes_in_size_from_a_loaded_npz(tmp_path):
    src = make(NStepBiLSTM, 2, 3, 4)
    save_npz(str(tmp_path / "m.npz"), src)
    dst = NStepBiLSTM(2, None, 4, 0.0)
    load_npz(str(tmp_path / "m.npz"), dst)
    assert dst.in_size == 3
    for (name, p), (_, q) in zip(sorted(src.namedparams()), sorted(dst.namedparams()), strict=True):
        np.testing.assert_array_equal(p.array, q.array, err_msg=name)


# ---- forward against the reference -------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(cls=st.sampled_from(ALL), n_layers=st.integers(1, 2), in_size=st.integers(1, 3),
       out_size=st.integers(1, 3), lengths=st.lists(st.integers(1, 4), min_size=1, max_size=4),
       with_states=st.booleans(), seed=st.integers(0, 2**16))
def test_matches_per_sequence_numpy_reference(cls, n_layers, in_size, out_size, lengths, with_states, seed):
    rng = np.random.default_rng(seed)
    link = make(cls, n_layers, in_size, out_size, seed)
    xs, hx, cx = random_batch(rng, link, lengths, in_size)
    if not with_states:
        hx, cx = np.zeros_like(hx), np.zeros_like(cx)
    hy, cy, ys = run(link, hx if with_states else None, cx if with_states else None, xs)
    assert isinstance(ys, list) and len(ys) == len(xs)
    assert hy.dtype == np.float32 and all(y.dtype == np.float32 for y in ys)
    for i, x in enumerate(xs):
        ref_h, ref_c, ref_y = reference(link, x, hx[:, i], cx[:, i])
        np.testing.assert_allclose(ys[i].array, ref_y, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(hy.array[:, i], ref_h, rtol=1e-4, atol=1e-5)
        if cy is not None:
            np.testing.assert_allclose(cy.array[:, i], ref_c, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cls", ALL)
def test_shuffling_the_sequences_moves_each_output_with_its_sequence(cls):
    rng = np.random.default_rng(1)
    link = make(cls, 2, 3, 4)
    lengths = [3, 1, 5, 3, 2]
    xs, hx, cx = random_batch(rng, link, lengths, 3)
    hy, cy, ys = run(link, hx, cx, xs)
    perm = [2, 4, 0, 3, 1]
    hy2, cy2, ys2 = run(link, hx[:, perm], cx[:, perm], [xs[p] for p in perm])
    for new, old in enumerate(perm):
        np.testing.assert_allclose(ys2[new].array, ys[old].array, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(hy2.array[:, new], hy.array[:, old], rtol=1e-5, atol=1e-6)
        if cy is not None:
            np.testing.assert_allclose(cy2.array[:, new], cy.array[:, old], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", ALL)
def test_each_sequence_alone_gives_the_same_outputs(cls):
    rng = np.random.default_rng(2)
    link = make(cls, 2, 3, 4)
    xs, hx, cx = random_batch(rng, link, [2, 4, 1, 4], 3)
    hy, cy, ys = run(link, hx, cx, xs)
    for i, x in enumerate(xs):
        hy1, cy1, (y1,) = run(link, hx[:, i:i + 1], cx[:, i:i + 1], [x])
        np.testing.assert_allclose(y1.array, ys[i].array, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(hy1.array[:, 0], hy.array[:, i], rtol=1e-5, atol=1e-6)
        if cy is not None:
            np.testing.assert_allclose(cy1.array[:, 0], cy.array[:, i], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", [NStepLSTM, NStepBiGRU])
def test_none_states_equal_zero_states(cls):
    rng = np.random.default_rng(3)
    link = make(cls, 2, 2, 3)
    xs, hx, cx = random_batch(rng, link, [1, 3], 2)
    zero = np.zeros_like(hx)
    hy0, cy0, ys0 = run(link, zero, zero, xs)
    hy, cy, ys = run(link, None, None, xs)
    np.testing.assert_array_equal(hy.array, hy0.array)
    if cy is not None:
        np.testing.assert_array_equal(cy.array, cy0.array)
    for y, y0 in zip(ys, ys0, strict=True):
        np.testing.assert_array_equal(y.array, y0.array)
    init = link.init_hx(xs)
    assert init.shape == hx.shape and init.dtype == np.float32 and not np.any(init.array)


def test_lstm_takes_one_state_given_and_the_other_none():
    rng = np.random.default_rng(9)
    link = make(NStepLSTM, 1, 2, 3)
    xs, hx, cx = random_batch(rng, link, [2, 3], 2)
    zero = np.zeros_like(hx)
    for h, c in ((None, cx), (hx, None)):
        hy, cy, ys = link(h, c, xs)
        ref_h, ref_c, ref_y = reference(link, xs[1], (zero if h is None else h)[:, 1], (zero if c is None else c)[:, 1])
        np.testing.assert_allclose(ys[1].array, ref_y, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(cy.array[:, 1], ref_c, rtol=1e-5, atol=1e-6)


def test_accepts_variables_and_tuples():
    link = make(NStepGRU, 1, 2, 3)
    xs = (kusari.Variable(np.ones((2, 2), np.float32)), kusari.Variable(np.zeros((3, 2), np.float32)))
    hy, ys = link(kusari.Variable(np.zeros((1, 2, 3), np.float32)), xs)
    ref_h, _, ref_y = reference(link, xs[1].array, np.zeros((1, 3)), np.zeros((1, 3)))
    np.testing.assert_allclose(ys[1].array, ref_y, rtol=1e-5, atol=1e-6)


# ---- dropout -----------------------------------------------------------------------------
def test_dropout_applies_between_layers_in_training_only():
    rng = np.random.default_rng(4)
    link = make(NStepLSTM, 2, 3, 16, dropout=0.5)
    plain = link.copy("copy")
    plain.dropout = 0.0
    xs, hx, cx = random_batch(rng, link, [6, 4], 3)
    _, _, ys_plain = plain(hx, cx, xs)
    with kusari.using_config("train", False):
        _, _, ys_test = link(hx, cx, xs)
    for y, y0 in zip(ys_test, ys_plain, strict=True):
        np.testing.assert_array_equal(y.array, y0.array)
    with kusari.using_config("train", True):
        _, _, ys_a = link(hx, cx, xs)
        _, _, ys_b = link(hx, cx, xs)
    assert not np.allclose(ys_a[0].array, ys_plain[0].array)
    assert not np.allclose(ys_a[0].array, ys_b[0].array)


def test_dropout_leaves_a_single_layer_untouched():
    # Chainer drops the input of every layer but the first.
    rng = np.random.default_rng(5)
    link = make(NStepBiRNNTanh, 1, 3, 4, dropout=0.9)
    xs, hx, _ = random_batch(rng, link, [3, 2], 3)
    with kusari.using_config("train", True):
        _, ys = link(hx, xs)
    _, _, ref_y = reference(link, xs[0], hx[:, 0], hx[:, 0])
    np.testing.assert_allclose(ys[0].array, ref_y, rtol=1e-4, atol=1e-5)


# ---- gradients ---------------------------------------------------------------------------
@pytest.mark.parametrize("cls", ALL)
def test_gradients_reach_every_parameter_input_and_state(cls):
    rng = np.random.default_rng(6)
    link = make(cls, 2, 3, 4)
    xs, hx, cx = random_batch(rng, link, [2, 5, 3], 3)
    xs = [kusari.Variable(x) for x in xs]
    hx, cx = kusari.Variable(hx), kusari.Variable(cx)
    hy, cy, ys = run(link, hx, cx, xs)
    loss = kusari.functions.sum(hy * hy)
    for y in ys:
        loss = loss + kusari.functions.sum(y * y)
    if cy is not None:
        loss = loss + kusari.functions.sum(cy * cy)
    link.cleargrads()
    loss.backward()
    relu = LINKS[cls][0] == "relu"
    for name, p in link.namedparams():
        assert p.grad is not None and p.grad.shape == p.shape, name
        assert relu or np.any(p.grad != 0), name
    for v in [*xs, hx] + ([cx] if cy is not None else []):
        assert v.grad is not None and v.grad.shape == v.shape
        assert relu or np.any(v.grad != 0)


@pytest.mark.parametrize("cls", [NStepBiLSTM, NStepGRU])
def test_backward_through_sorting_matches_finite_differences(cls):
    rng = np.random.default_rng(8)
    link = make(cls, 1, 2, 2)
    for p in link.params():
        p.array = p.array.astype(np.float64)
    xs, hx, cx = random_batch(rng, link, [1, 3, 2], 2)
    xs = [x.astype(np.float64) for x in xs]
    hx, cx = hx.astype(np.float64), cx.astype(np.float64)

    def f(x0, x1, x2, h, c):
        hy, cy, ys = run(link, h, c, [x0, x1, x2])
        return (hy, *ys) if cy is None else (hy, cy, *ys)

    n_out = 4 if link.n_cells == 1 else 5
    shapes = [hx.shape] * (n_out - 3) + [(n, 2 * link.direction) for n in (1, 3, 2)]
    gys = tuple(rng.standard_normal(s) for s in shapes)
    check_backward(f, (*xs, hx, cx), gys, params=list(link.params()), dtype=np.float64,
                   no_grads=[False] * 4 + [link.n_cells == 1], atol=1e-4, rtol=1e-3)


# ---- Chainer compatibility ---------------------------------------------------------------
@pytest.mark.parametrize(("name", "cls"), [("nstep_lstm", NStepLSTM), ("nstep_bilstm", NStepBiLSTM)])
@pytest.mark.parametrize("lazy", [False, True])
def test_loads_a_chainer_npz_and_reproduces_chainers_outputs(name, cls, lazy):
    link = cls(2, None if lazy else 3, 4, 0.0)
    load_npz(os.path.join(DATA, f"{name}_chainer.npz"), link)
    io = np.load(os.path.join(DATA, f"{name}_chainer_io.npz"))
    xs = [io[f"x{i}"] for i in range(3)]
    with kusari.using_config("train", False):
        hy, cy, ys = link(io["hx"], io["cx"], xs)
    np.testing.assert_allclose(hy.array, io["hy"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(cy.array, io["cy"], rtol=1e-5, atol=1e-6)
    for i, y in enumerate(ys):
        np.testing.assert_allclose(y.array, io[f"y{i}"], rtol=1e-5, atol=1e-6)


# ---- errors ------------------------------------------------------------------------------
def test_wrong_input_size_is_reported():
    link = NStepLSTM(1, 3, 2, 0.0)
    xs = [np.ones((2, 3), np.float32), np.ones((1, 4), np.float32)]
    with pytest.raises(InvalidType, match=r"NStepLSTM: argument 'xs\[1\]' expected shape \(N, 3\) \(in_size 3\), "
                                          r"got \(1, 4\)"):
        link(None, None, xs)


def test_sequences_of_different_widths_are_reported_on_a_lazy_link():
    link = NStepGRU(1, None, 2, 0.0)
    with pytest.raises(InvalidType, match=r"NStepGRU: argument 'xs\[1\]' expected shape \(N, 3\) \(in_size of "
                                          r"xs\[0\]\), got \(2, 2\)"):
        link(None, [np.ones((2, 3), np.float32), np.ones((2, 2), np.float32)])
    assert link.in_size is None


def test_wrong_hx_and_cx_shapes_are_reported():
    link = NStepBiLSTM(2, 3, 4, 0.0)
    xs = [np.ones((2, 3), np.float32)] * 3
    good = np.zeros((4, 3, 4), np.float32)
    with pytest.raises(InvalidType, match=r"NStepBiLSTM: argument 'hx' expected shape \(4, 3, 4\) "
                                          r"\(n_layers \* direction, len\(xs\), out_size\), got \(2, 3, 4\)"):
        link(np.zeros((2, 3, 4), np.float32), good, xs)
    with pytest.raises(InvalidType, match=r"NStepBiLSTM: argument 'cx' expected shape \(4, 3, 4\) .*got \(4, 2, 4\)"):
        link(good, np.zeros((4, 2, 4), np.float32), xs)


def test_bad_xs_are_reported():
    link = NStepRNNTanh(1, 2, 2, 0.0)
    with pytest.raises(InvalidType, match=r"NStepRNNTanh: argument 'xs' expected a non-empty list or tuple of "
                                          r"sequences, got ndarray"):
        link(None, np.ones((2, 2, 2), np.float32))
    with pytest.raises(InvalidType, match=r"argument 'xs' expected a non-empty list .*, got an empty list"):
        link(None, [])
    with pytest.raises(InvalidType, match=r"argument 'xs\[0\]' expected 2 dimensions, got 1 \(shape \(2,\)\)"):
        link(None, [np.ones(2, np.float32)])
    with pytest.raises(InvalidType, match=r"argument 'xs\[1\]' expected a sequence of length >= 1, got length 0"):
        link(None, [np.ones((1, 2), np.float32), np.ones((0, 2), np.float32)])


def _as_stepping_lstm(cell, in_size, out_size):
    """An L.LSTM holding ``cell``'s weights: its rows interleave the gates per unit as (a, i, f, o)."""
    from kusari.rnn.links.lstm import LSTM

    w = [getattr(cell, f"w{j}").array for j in range(8)]
    b = [getattr(cell, f"b{j}").array for j in range(8)]
    step = LSTM(in_size, out_size)
    step.upward.W.array[...] = np.stack([w[2], w[0], w[1], w[3]], axis=1).reshape(4 * out_size, in_size)
    step.lateral.W.array[...] = np.stack([w[6], w[4], w[5], w[7]], axis=1).reshape(4 * out_size, out_size)
    step.upward.b.array[...] = np.stack([b[2] + b[6], b[0] + b[4], b[1] + b[5], b[3] + b[7]],
                                        axis=1).reshape(4 * out_size)
    return step


def test_nstep_lstm_equals_stepping_L_LSTM_with_the_same_weights():
    rng = np.random.default_rng(10)
    link = make(NStepLSTM, 2, 3, 4)
    xs, hx, cx = random_batch(rng, link, [5, 2, 4], 3)
    hy, cy, ys = link(hx, cx, xs)
    layers = [_as_stepping_lstm(link[0], 3, 4), _as_stepping_lstm(link[1], 4, 4)]
    for i, x in enumerate(xs):
        for k, step in enumerate(layers):
            step.set_state(kusari.Variable(cx[k, i:i + 1]), kusari.Variable(hx[k, i:i + 1]))
        for t in range(len(x)):
            h = x[t:t + 1]
            for step in layers:
                h = step(h)
            np.testing.assert_allclose(h.array[0], ys[i].array[t], rtol=1e-5, atol=1e-6)
        for k, step in enumerate(layers):
            np.testing.assert_allclose(step.h.array[0], hy.array[k, i], rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(step.c.array[0], cy.array[k, i], rtol=1e-5, atol=1e-6)
