"""lstm: the LSTM cell with Chainer's interleaved gate layout."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.rnn.functions.lstm import lstm
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _sig(v):
    return 1 / (1 + np.exp(-v))


def _reference(c_prev, x):
    """Per-unit loop over the layout: unit u's gates are x[:, 4u + 0..3] = a, i, f, o."""
    batch, units = x.shape[0], c_prev.shape[1]
    c = c_prev.copy()
    h = np.empty((batch,) + c_prev.shape[1:], c_prev.dtype)
    for u in range(units):
        a = np.tanh(x[:, 4 * u])
        i = _sig(x[:, 4 * u + 1])
        f = _sig(x[:, 4 * u + 2])
        o = _sig(x[:, 4 * u + 3])
        c[:batch, u] = a * i + f * c_prev[:batch, u]
        h[:, u] = o * np.tanh(c[:batch, u])
    return c, h


@st.composite
def _problem(draw):
    """(c_prev, x) with len(x) <= len(c_prev) and optional trailing axes."""
    rows = draw(st.integers(1, 4))
    batch = draw(st.integers(0, rows))
    units = draw(st.integers(1, 3))
    rest = draw(kst.shapes(min_dims=0, max_dims=1, max_side=2))
    c_prev = draw(kst.arrays(shape=(rows, units) + rest))
    x = draw(kst.arrays(shape=(batch, 4 * units) + rest))
    return c_prev, x


@given(_problem())
def test_forward_matches_the_per_unit_reference(problem):
    c_prev, x = problem
    c, h = lstm(c_prev, x)
    c_ref, h_ref = _reference(c_prev, x)
    assert c.shape == c_ref.shape and h.shape == h_ref.shape
    np.testing.assert_allclose(c.array, c_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h.array, h_ref, rtol=1e-12, atol=1e-12)


@given(_problem(), st.data())
def test_backward_matches_finite_differences(problem, data):
    c_prev, x = problem
    gc = data.draw(kst.arrays(shape=c_prev.shape))
    gh = data.draw(kst.arrays(shape=(x.shape[0],) + c_prev.shape[1:]))
    check_backward(lstm, (c_prev, x), (gc, gh), atol=1e-6, rtol=1e-5)


@given(_problem(), st.data())
def test_backward_with_only_one_output_used(problem, data):
    c_prev, x = problem
    gc = data.draw(kst.arrays(shape=c_prev.shape))
    gh = data.draw(kst.arrays(shape=(x.shape[0],) + c_prev.shape[1:]))
    check_backward(lambda c, v: lstm(c, v)[0], (c_prev, x), gc, atol=1e-6, rtol=1e-5)
    check_backward(lambda c, v: lstm(c, v)[1], (c_prev, x), gh, atol=1e-6, rtol=1e-5)


@given(_problem(), st.data())
def test_double_backward_matches_finite_differences(problem, data):
    c_prev, x = problem
    h_shape = (x.shape[0],) + c_prev.shape[1:]
    gc = data.draw(kst.arrays(shape=c_prev.shape))
    gh = data.draw(kst.arrays(shape=h_shape))
    ggc = data.draw(kst.arrays(shape=c_prev.shape))
    ggx = data.draw(kst.arrays(shape=x.shape))
    check_double_backward(lstm, (c_prev, x), (gc, gh), (ggc, ggx), atol=1e-5, rtol=1e-4)
    # one output unused: its gradient is None inside backward
    check_double_backward(lambda c, v: lstm(c, v)[1], (c_prev, x), gh, (ggc, ggx), atol=1e-5, rtol=1e-4)


@given(_problem(), st.data(), st.sampled_from(["both", "c", "h"]))
def test_both_backward_paths_give_the_same_gradient(problem, data, used):
    """The fused backward and the differentiable one (double backprop on) agree."""
    c_prev, x = problem
    gc = data.draw(kst.arrays(shape=c_prev.shape))
    gh = data.draw(kst.arrays(shape=(x.shape[0],) + c_prev.shape[1:]))
    results = []
    for double in (False, True):
        cv, xv = kusari.Variable(c_prev), kusari.Variable(x)
        c, h = lstm(cv, xv)
        outputs, grads = {"both": ([c, h], [gc, gh]), "c": ([c], [gc]), "h": ([h], [gh])}[used]
        results.append([g.array for g in kusari.grad(outputs, [cv, xv], grads, enable_double_backprop=double)])
    for plain, differentiable in zip(*results, strict=True):
        np.testing.assert_allclose(differentiable, plain, rtol=1e-10, atol=1e-12)


def test_rows_past_the_batch_pass_through_and_get_their_gradient_back():
    rng = np.random.default_rng(0)
    c_prev = kusari.Variable(rng.standard_normal((4, 3)).astype(np.float32))
    x = kusari.Variable(rng.standard_normal((2, 12)).astype(np.float32))
    c, h = lstm(c_prev, x)
    assert h.shape == (2, 3)
    np.testing.assert_array_equal(c.array[2:], c_prev.array[2:])
    gc = rng.standard_normal((4, 3)).astype(np.float32)
    c.grad = gc
    c.backward()
    np.testing.assert_array_equal(c_prev.grad[2:], gc[2:])
    # the first rows' gradient flows through the forget gate only
    np.testing.assert_allclose(c_prev.grad[:2], gc[:2] * _sig(x.array[:, 2::4]), rtol=1e-6)


def test_float32_is_kept_in_forward_and_backward():
    rng = np.random.default_rng(1)
    c_prev = kusari.Variable(rng.standard_normal((2, 3)).astype(np.float32))
    x = kusari.Variable(rng.standard_normal((2, 12)).astype(np.float32))
    c, h = lstm(c_prev, x)
    kusari.functions.sum(c * 2 + h).backward()
    assert c.dtype == h.dtype == c_prev.grad.dtype == x.grad.dtype == np.float32


@pytest.mark.parametrize("c_shape, x_shape, dtype, match", [
    ((2, 3), (2, 12), np.int32, r"lstm: argument 'c_prev' expected a floating-point dtype.*got int32"),
    ((3,), (3, 12), np.float32, r"lstm: argument 'c_prev' expected at least 2 dimensions, got 1"),
    ((2, 3), (2, 12, 1), np.float32, r"lstm: argument 'x' expected 2 dimensions \(as 'c_prev'\), got 3"),
    ((2, 3), (2, 11), np.float32, r"lstm: argument 'x' expected shape \(2, 12\) .*got \(2, 11\)"),
    ((2, 3, 2), (2, 12, 3), np.float32, r"lstm: argument 'x' expected shape \(2, 12, 2\) .*got \(2, 12, 3\)"),
    ((2, 3), (3, 12), np.float32, r"lstm: argument 'x' expected at most 2 rows \(the batch size of 'c_prev'\), "
                                  r"got 3"),
])
def test_bad_shapes_are_named(c_shape, x_shape, dtype, match):
    with pytest.raises(InvalidType, match=match):
        lstm(np.zeros(c_shape, dtype), np.zeros(x_shape, dtype))


def test_mismatched_dtype_is_named():
    with pytest.raises(InvalidType, match=r"lstm: argument 'x' expected dtype float32 \(the dtype of 'c_prev'\), "
                                          r"got float64"):
        lstm(np.zeros((2, 3), np.float32), np.zeros((2, 12)))
