"""CRF1d link: the cost parameter, forward/argmax equal the functions, transpose=True, serialization."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import initializers
from kusari.functions.loss.crf1d import argmax_crf1d, crf1d
from kusari.links.loss.crf1d import CRF1d
from kusari.serializers import load_npz, save_npz
from kusari.testing import check_backward
from kusari.testing import strategies as kst


def test_cost_parameter_defaults_to_zeros():
    crf = CRF1d(3)
    assert crf.cost.shape == (3, 3) and crf.cost.dtype == np.float32
    assert (crf.cost.array == 0).all()
    assert [name for name, _ in crf.namedparams()] == ["/cost"]


def test_initial_cost_array_and_initializer():
    init = np.arange(4, dtype=np.float32).reshape(2, 2)
    np.testing.assert_array_equal(CRF1d(2, initial_cost=init).cost.array, init)
    np.testing.assert_array_equal(CRF1d(2, initial_cost=initializers.Constant(1.5)).cost.array,
                                  np.full((2, 2), 1.5, np.float32))


def _time_major_case(rng):
    cost = rng.uniform(-1, 1, (3, 3)).astype(np.float32)
    xs = [rng.uniform(-1, 1, (b, 3)).astype(np.float32) for b in (3, 2, 1)]
    ys = [rng.integers(0, 3, b).astype(np.int32) for b in (3, 2, 1)]
    return cost, xs, ys


@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_forward_and_argmax_equal_the_functions(reduce):
    cost, xs, ys = _time_major_case(np.random.default_rng(0))
    crf = CRF1d(3, initial_cost=cost)
    np.testing.assert_array_equal(crf(xs, ys, reduce=reduce).array, crf1d(cost, xs, ys, reduce).array)
    score, path = crf.argmax(xs)
    expected_score, expected_path = argmax_crf1d(cost, xs)
    np.testing.assert_array_equal(score.array, expected_score.array)
    assert [p.tolist() for p in path] == [p.tolist() for p in expected_path]


def _brute_force(cost, rows, labels=None):
    """(negative log-likelihood of labels, best path) of one batch-major sequence."""
    scores = {}
    for path in itertools.product(range(cost.shape[0]), repeat=len(rows)):
        scores[path] = sum(rows[t, p] for t, p in enumerate(path)) + sum(cost[a, b] for a, b in zip(path, path[1:]))
    values = np.array(list(scores.values()))
    log_z = np.log(np.exp(values - values.max()).sum()) + values.max()
    nll = None if labels is None else log_z - scores[tuple(labels)]
    return nll, max(scores, key=scores.get)


@given(lengths=st.lists(st.integers(1, 3), min_size=1, max_size=3), seed=st.integers(0, 2 ** 16))
def test_transpose_sorts_longest_first_and_restores_paths(lengths, seed):
    rng = np.random.default_rng(seed)
    cost = rng.uniform(-2, 2, (3, 3))
    xs = [rng.uniform(-2, 2, (n, 3)) for n in lengths]
    ys = [rng.integers(0, 3, n).astype(np.int32) for n in lengths]
    crf = CRF1d(3, initial_cost=cost.astype(np.float32))
    crf.cost.array = cost  # float64 for an exact comparison
    order = np.argsort([-n for n in lengths], kind="stable")
    loss = crf(xs, ys, reduce="no", transpose=True)
    # As Chainer: the per-sequence loss comes in longest-first order.
    expected = [_brute_force(cost, xs[i], ys[i])[0] for i in order]
    np.testing.assert_allclose(loss.array, expected, rtol=1e-10)
    np.testing.assert_allclose(crf(xs, ys, transpose=True).array, np.mean(expected), rtol=1e-10)
    score, path = crf.argmax(xs, transpose=True)
    # The path is per sequence in the caller's order; the score is longest first.
    assert [p.tolist() for p in path] == [list(_brute_force(cost, x)[1]) for x in xs]
    assert all(p.dtype == np.int32 for p in path)
    best = [_brute_force(cost, xs[i])[1] for i in order]
    np.testing.assert_allclose(
        score.array, [sum(xs[i][t, p] for t, p in enumerate(b)) + sum(cost[u, v] for u, v in zip(b, b[1:]))
                      for i, b in zip(order, best)], rtol=1e-10)


@given(kst.arrays(shape=(2, 2), lo=-1, hi=1), st.data())
def test_gradient_reaches_cost_and_inputs(cost, data):
    xs = [data.draw(kst.arrays(shape=(b, 2))) for b in (2, 2, 1)]
    ys = [np.array([0, 1], np.int32), np.array([1, 1], np.int32), np.array([0], np.int32)]
    crf = CRF1d(2)
    crf.cost.array = cost
    check_backward(lambda *x: crf(list(x), ys, reduce="no"), tuple(xs), np.array([1.0, -0.5]),
                   params=(crf.cost,))


def test_cost_gets_a_gradient_through_transposed_input():
    crf = CRF1d(2)
    xs = [kusari.Variable(np.ones((2, 2), np.float32)), kusari.Variable(np.zeros((3, 2), np.float32))]
    crf(xs, [np.zeros(2, np.int32), np.ones(3, np.int32)], transpose=True).backward()
    assert crf.cost.grad.shape == (2, 2) and (crf.cost.grad != 0).any()
    assert xs[0].grad.shape == (2, 2) and xs[1].grad.shape == (3, 2)


def test_serialization_round_trip(tmp_path):
    crf = CRF1d(3, initial_cost=np.arange(9, dtype=np.float32).reshape(3, 3))
    save_npz(tmp_path / "crf.npz", crf)
    with np.load(tmp_path / "crf.npz") as saved:
        assert sorted(saved.files) == ["cost"]
    other = CRF1d(3)
    load_npz(tmp_path / "crf.npz", other)
    np.testing.assert_array_equal(other.cost.array, crf.cost.array)
