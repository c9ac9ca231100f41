"""LSTM (stateful) and StatelessLSTM links."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.rnn.functions.lstm import lstm
from kusari.rnn.links.lstm import LSTM, StatelessLSTM
from kusari.serializers import load_npz, save_npz
from kusari.testing import check_backward
from kusari.utils.type_check import InvalidType


def _sig(v):
    return 1 / (1 + np.exp(-v))


def _params(link):
    return link.upward.W.array, link.upward.b.array, link.lateral.W.array


def _reference_step(W, b, U, c, h, x):
    """One step on plain arrays; rows 4u..4u+3 of W, b, U are unit u's gates a, i, f, o.

    ``x`` may have fewer rows than ``c`` and ``h``: only those rows change.
    """
    n = len(x)
    z = x @ W.T + b + h[:n] @ U.T
    a, i, f, o = np.tanh(z[:, 0::4]), _sig(z[:, 1::4]), _sig(z[:, 2::4]), _sig(z[:, 3::4])
    c, h = c.copy(), h.copy()
    c[:n] = a * i + f * c[:n]
    h[:n] = o * np.tanh(c[:n])
    return c, h


def _float64(link):
    for p in link.params():
        p.array = p.array.astype(np.float64)
    return link


def test_children_and_npz_keys_are_chainers(tmp_path):
    link = LSTM(3, 5)
    assert sorted(name for name, _ in link.namedparams()) == ["/lateral/W", "/upward/W", "/upward/b"]
    assert link.upward.W.shape == (20, 3) and link.lateral.W.shape == (20, 5) and link.lateral.b is None
    save_npz(tmp_path / "lstm.npz", link)
    with np.load(tmp_path / "lstm.npz") as saved:
        assert sorted(saved.keys()) == ["lateral/W", "upward/W", "upward/b"]
    other = LSTM(5)  # lazy: the shapes come from the file
    load_npz(tmp_path / "lstm.npz", other)
    for mine, loaded in zip(_params(link), _params(other), strict=True):
        np.testing.assert_array_equal(loaded, mine)


def test_forget_gate_biases_start_at_one_in_the_interleaved_layout():
    b = LSTM(2, 3).upward.b.array
    np.testing.assert_array_equal(b.reshape(3, 4), [[0, 0, 1, 0]] * 3)
    b = LSTM(2, 3, bias_init=0.5, forget_bias_init=-2).upward.b.array
    np.testing.assert_array_equal(b.reshape(3, 4), [[0.5, 0.5, -2, 0.5]] * 3)


def test_weights_are_initialized_one_gate_block_at_a_time():
    calls = []

    def recording(name):
        def init(array):
            calls.append((name, array.shape))
            array[...] = len(calls)
        return init

    link = LSTM(3, 2, lateral_init=recording("lateral"), upward_init=recording("upward"))
    assert calls == [("lateral", (2, 2)), ("upward", (2, 3))] * 4
    # block k of rows (k*H .. k*H+H) holds its own call's value
    np.testing.assert_array_equal(link.lateral.W.array[:, 0], [1, 1, 3, 3, 5, 5, 7, 7])
    np.testing.assert_array_equal(link.upward.W.array[:, 0], [2, 2, 4, 4, 6, 6, 8, 8])


@st.composite
def _batches(draw):
    """Non-increasing batch sizes (a length-sorted batch whose sequences end), 0 allowed after the first."""
    first = draw(st.integers(1, 4))
    sizes = [first]
    for _ in range(draw(st.integers(0, 3))):
        sizes.append(draw(st.integers(0, sizes[-1])))
    return sizes


@given(_batches(), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**16))
def test_stepping_matches_the_reference_with_a_shrinking_batch(sizes, in_size, units, seed):
    rng = np.random.default_rng(seed)
    link = LSTM(in_size, units, bias_init=0.1)
    W, b, U = _params(link)
    c = np.zeros((sizes[0], units), np.float32)
    h = np.zeros((sizes[0], units), np.float32)
    for n in sizes:
        x = rng.standard_normal((n, in_size)).astype(np.float32)
        y = link(x)
        c, h = _reference_step(W, b, U, c, h, x)
        assert y.shape == (n, units)
        np.testing.assert_allclose(y.array, h[:n], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(link.h.array, h, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(link.c.array, c, rtol=1e-5, atol=1e-6)


def test_link_output_equals_the_function_with_its_parameters():
    rng = np.random.default_rng(0)
    link = LSTM(3, 4)
    x1, x2 = (rng.standard_normal((2, 3)).astype(np.float32) for _ in range(2))
    y1 = link(x1)
    y2 = link(x2)
    c1, h1 = lstm(np.zeros((2, 4), np.float32), F.linear(x1, link.upward.W, link.upward.b))
    c2, h2 = lstm(c1, F.linear(x2, link.upward.W, link.upward.b) + F.linear(h1, link.lateral.W))
    np.testing.assert_array_equal(y1.array, h1.array)
    np.testing.assert_array_equal(y2.array, h2.array)
    np.testing.assert_array_equal(link.c.array, c2.array)


def test_reset_state_and_set_state():
    rng = np.random.default_rng(1)
    link = LSTM(3, 2)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    first = link(x).array
    assert not np.allclose(link(x).array, first)  # the state changed the output
    link.reset_state()
    assert link.c is None and link.h is None
    np.testing.assert_array_equal(link(x).array, first)
    c = rng.standard_normal((2, 2)).astype(np.float32)
    h = rng.standard_normal((2, 2)).astype(np.float32)
    link.set_state(kusari.Variable(c), kusari.Variable(h))
    expected_c, expected_h = _reference_step(*_params(link), c, h, x)
    np.testing.assert_allclose(link(x).array, expected_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(link.c.array, expected_c, rtol=1e-5, atol=1e-6)


def test_lazy_in_size_is_found_on_the_first_call():
    link = LSTM(4)
    assert link.upward.W.array is None and link.upward.b.shape == (16,)
    y = link(np.ones((2, 5), np.float32))
    assert y.shape == (2, 4) and link.upward.W.shape == (16, 5)
    assert np.abs(link.upward.W.array).sum() > 0  # the zero start was replaced by LeCunNormal draws
    link2 = LSTM(None, 4)
    link2(np.ones((1, 2, 3), np.float32))  # features flattened
    assert link2.upward.W.shape == (16, 6)


def test_gradients_over_two_steps_match_finite_differences():
    rng = np.random.default_rng(2)
    link = _float64(LSTM(3, 2))
    x1 = rng.standard_normal((3, 3))
    x2 = rng.standard_normal((2, 3))  # shrinking batch: the third row keeps its state

    def run(a, b):
        link.reset_state()
        link(a)
        link(b)
        return link.h, link.c

    check_backward(run, (x1, x2), (rng.standard_normal((3, 2)), rng.standard_normal((3, 2))),
                   params=tuple(link.params()), atol=1e-6, rtol=1e-5)


def test_more_rows_than_the_state_is_an_error():
    link = LSTM(3, 2)
    link(np.zeros((2, 3), np.float32))
    with pytest.raises(InvalidType, match=r"LSTM: argument 'x' expected at most 2 rows \(the batch size of the "
                                          r"state h\), got 3 \(shape \(3, 3\)\)"):
        link(np.zeros((3, 3), np.float32))


def test_set_state_needs_variables():
    link = LSTM(3, 2)
    with pytest.raises(InvalidType, match=r"LSTM.set_state: argument 'h' expected a Variable, got ndarray"):
        link.set_state(kusari.Variable(np.zeros((1, 2), np.float32)), np.zeros((1, 2), np.float32))


def test_to_device_keeps_the_state():
    link = LSTM(3, 2)
    link(np.ones((1, 3), np.float32))
    h = link.h.array.copy()
    link.to_device("@numpy")
    np.testing.assert_array_equal(link.h.array, h)


def test_stateless_lstm_equals_stepping_the_stateful_one():
    rng = np.random.default_rng(3)
    stateful = LSTM(3, 2)
    stateless = StatelessLSTM(3, 2)
    stateless.copyparams(stateful)
    assert sorted(n for n, _ in stateless.namedparams()) == ["/lateral/W", "/upward/W", "/upward/b"]
    c = h = None
    for _ in range(3):
        x = rng.standard_normal((2, 3)).astype(np.float32)
        c, h = stateless(c, h, x)
        np.testing.assert_array_equal(h.array, stateful(x).array)
        np.testing.assert_array_equal(c.array, stateful.c.array)


def test_stateless_lstm_lazy_in_size():
    layer = StatelessLSTM(2)
    c, h = layer(None, None, np.ones((3, 4), np.float32))
    assert c.shape == h.shape == (3, 2) and layer.upward.W.shape == (8, 4)
