"""crf1d / argmax_crf1d: brute force over every label path, gradients, variable lengths, errors."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.crf1d import argmax_crf1d, crf1d
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def crf_cases(draw, dtype=np.float64, min_steps=1):
    """cost, time-major xs/ys for 1-3 sequences of lengths 1-3 (sorted longest first), K in 1-3."""
    n_label = draw(st.integers(1, 3))
    lengths = sorted(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)), reverse=True)
    lengths[0] = max(lengths[0], min_steps)
    batch_sizes = [sum(n > t for n in lengths) for t in range(lengths[0])]
    cost = draw(kst.arrays(shape=(n_label, n_label), dtype=dtype))
    xs = [draw(kst.arrays(shape=(b, n_label), dtype=dtype)) for b in batch_sizes]
    ys = [draw(kst.arrays(shape=(b,), dtype=np.int32, lo=0, hi=n_label - 1)) for b in batch_sizes]
    return cost, xs, ys


def _sequences(xs):
    """Batch-major rows of each sequence from time-major steps."""
    return [np.stack([x[b] for x in xs if x.shape[0] > b]) for b in range(xs[0].shape[0])]


def _path_score(cost, rows, path):
    return sum(rows[t][p] for t, p in enumerate(path)) + sum(cost[a, b] for a, b in zip(path, path[1:]))


def _all_paths(cost, rows):
    return {path: _path_score(cost, rows, path)
            for path in itertools.product(range(cost.shape[0]), repeat=len(rows))}


def _reference_nll(cost, xs, ys):
    out = []
    for rows, labels in zip(_sequences(xs), _sequences([y[:, None] for y in ys])):
        scores = np.array(list(_all_paths(cost, rows).values()))
        log_z = np.log(np.exp(scores - scores.max()).sum()) + scores.max()
        out.append(log_z - _path_score(cost, rows, tuple(labels[:, 0])))
    return np.array(out)


@given(crf_cases())
def test_nll_matches_brute_force(case):
    cost, xs, ys = case
    expected = _reference_nll(cost, xs, ys)
    loss = crf1d(cost, xs, ys, reduce="no")
    assert loss.shape == (xs[0].shape[0],)
    np.testing.assert_allclose(loss.array, expected, rtol=1e-10, atol=1e-10)
    mean = crf1d(cost, xs, ys)
    assert mean.shape == ()
    np.testing.assert_allclose(mean.array, expected.sum() / xs[0].shape[0], rtol=1e-10, atol=1e-10)


def test_mean_divides_by_the_number_of_sequences():
    cost = np.zeros((2, 2))
    xs = [np.zeros((2, 2)), np.zeros((1, 2))]
    ys = [np.zeros(2, np.int32), np.zeros(1, np.int32)]
    # Uniform scores: each sequence has probability 2^-length.
    np.testing.assert_allclose(crf1d(cost, xs, ys).array, (2 * np.log(2) + np.log(2)) / 2)


@pytest.mark.parametrize("seed", range(8))
def test_argmax_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_label = int(rng.integers(1, 4))
    lengths = sorted(rng.integers(1, 4, size=int(rng.integers(1, 4))).tolist(), reverse=True)
    batch_sizes = [sum(n > t for n in lengths) for t in range(lengths[0])]
    cost = rng.uniform(-2, 2, (n_label, n_label)).astype(np.float32)
    xs = [rng.uniform(-2, 2, (b, n_label)).astype(np.float32) for b in batch_sizes]
    score, path = argmax_crf1d(cost, xs)
    assert score.dtype == np.float32 and score.shape == (len(lengths),)
    assert [p.shape for p in path] == [(b,) for b in batch_sizes]
    assert all(p.dtype == np.int32 for p in path)
    for b, (rows, best) in enumerate(zip(_sequences(xs), _sequences([p[:, None] for p in path]))):
        scores = _all_paths(cost.astype(np.float64), rows.astype(np.float64))
        expected_path = max(scores, key=scores.get)
        assert tuple(best[:, 0]) == expected_path
        np.testing.assert_allclose(score.array[b], scores[expected_path], rtol=1e-5)


def test_argmax_prefers_the_transition_bonus_over_a_small_unary_gain():
    cost = np.array([[0., -5.], [-5., 0.]])
    xs = [np.array([[1., 0.]]), np.array([[0., 0.5]])]
    score, path = argmax_crf1d(cost, xs)
    assert [p.tolist() for p in path] == [[0], [0]]
    np.testing.assert_allclose(score.array, [1.0])


@pytest.mark.parametrize("reduce", ["mean", "no"])
@given(case=crf_cases(), data=st.data())
def test_gradient(reduce, case, data):
    cost, xs, ys = case
    gshape = () if reduce == "mean" else (xs[0].shape[0],)
    gy = data.draw(kst.arrays(shape=gshape, lo=-1, hi=1))
    check_backward(lambda c, *x: crf1d(c, list(x), ys, reduce), (cost, *xs), gy)


@given(case=crf_cases(min_steps=2), data=st.data())  # with one step 'cost' is unused
def test_double_gradient(case, data):
    cost, xs, ys = case
    gy = data.draw(kst.arrays(shape=(xs[0].shape[0],), lo=-1, hi=1))
    ggs = [data.draw(kst.arrays(shape=a.shape, lo=-1, hi=1)) for a in (cost, *xs)]
    check_double_backward(lambda c, *x: crf1d(c, list(x), ys, "no"), (cost, *xs), gy, ggs)


@pytest.mark.parametrize("seed", range(4))
def test_argmax_score_gradient_is_the_best_path_indicator(seed):
    rng = np.random.default_rng(seed)
    cost = rng.uniform(-2, 2, (3, 3))
    xs = [rng.uniform(-2, 2, (b, 3)) for b in (3, 2, 2)]
    check_backward(lambda c, *x: argmax_crf1d(c, list(x))[0], (cost, *xs), rng.uniform(-1, 1, 3))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    cost = kusari.Variable(np.zeros((2, 2), dtype))
    xs = [kusari.Variable(np.ones((2, 2), dtype)), kusari.Variable(np.ones((1, 2), dtype))]
    ys = [np.array([0, 1], np.int32), np.array([1], np.int32)]
    loss = crf1d(cost, xs, ys)
    loss.backward()
    assert loss.dtype == dtype and cost.grad.dtype == dtype and xs[1].grad.dtype == dtype
    np.testing.assert_allclose(float(loss.array), 1.5 * np.log(2), rtol=1e-3)
    score, _ = argmax_crf1d(cost, xs)
    assert score.dtype == dtype


def _good():
    return np.zeros((2, 2), np.float32), [np.zeros((2, 2), np.float32), np.zeros((1, 2), np.float32)], \
        [np.zeros(2, np.int32), np.zeros(1, np.int32)]


def test_bad_reduce():
    cost, xs, ys = _good()
    with pytest.raises(ValueError, match=r"crf1d: argument 'reduce' expected 'mean' or 'no', got 'sum'"):
        crf1d(cost, xs, ys, reduce="sum")


@pytest.mark.parametrize("func", ["crf1d", "argmax_crf1d"])
@pytest.mark.parametrize("change, message", [
    (lambda c, xs: (c[0], xs), r"argument 'cost' expected 2 dimensions, got 1"),
    (lambda c, xs: (np.zeros((2, 3), np.float32), xs), r"argument 'cost' expected a square matrix .*got \(2, 3\)"),
    (lambda c, xs: (c.astype(np.int32), xs), r"argument 'cost' expected a floating-point dtype"),
    (lambda c, xs: (c, []), r"argument 'xs' expected a non-empty list .*got an empty list"),
    (lambda c, xs: (c, xs[0]), r"argument 'xs' expected a non-empty list .*got ndarray"),
    (lambda c, xs: (c, [xs[0], np.zeros((1, 3), np.float32)]),
     r"argument 'xs\[1\]' expected shape \(N, 2\) \(n_label of 'cost'\), got \(1, 3\)"),
    (lambda c, xs: (c, [xs[0], xs[1].astype(np.float64)]), r"argument 'xs\[1\]' expected dtype float32"),
    (lambda c, xs: (c, [xs[1], xs[0]]), r"argument 'xs\[1\]' expected a batch size <= 1 .*got 2"),
])
def test_bad_cost_or_xs(func, change, message):
    cost, xs, ys = _good()
    cost, xs = change(cost, xs)
    with pytest.raises(InvalidType, match=func + ": " + message):
        if func == "crf1d":
            crf1d(cost, xs, ys)
        else:
            argmax_crf1d(cost, xs)


@pytest.mark.parametrize("ys, error, message", [
    ([np.zeros(2, np.int32)], InvalidType, r"argument 'ys' expected 2 arrays \(one per element of 'xs'\), got 1"),
    (np.zeros(2, np.int32), InvalidType, r"argument 'ys' expected a list or tuple"),
    ([np.zeros(2, np.int32), np.zeros(2, np.int32)], InvalidType,
     r"argument 'ys\[1\]' expected shape \(1,\) \(the batch size of xs\[1\]\), got \(2,\)"),
    ([np.zeros(2, np.float32), np.zeros(1, np.int32)], InvalidType, r"argument 'ys\[0\]' expected an integer"),
    ([np.zeros(2, np.int32), np.array([2], np.int32)], ValueError,
     r"argument 'ys' expected labels in \[0, 2\), got 2 at ys\[1\]\[0\]"),
    ([np.array([0, -1], np.int32), np.zeros(1, np.int32)], ValueError,
     r"argument 'ys' expected labels in \[0, 2\), got -1 at ys\[0\]\[1\]"),
])
def test_bad_labels(ys, error, message):
    cost, xs, _ = _good()
    with pytest.raises(error, match="crf1d: " + message):
        crf1d(cost, xs, ys)
