"""F.r2_score: NumPy reference, constant targets, multioutput modes, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.evaluation.r2_score import r2_score
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(pred, true):
    flat_p = pred.reshape(len(pred), -1)
    flat_t = true.reshape(len(true), -1)
    scores = []
    for j in range(flat_p.shape[1]):
        res = sum((flat_p[i, j] - flat_t[i, j]) ** 2 for i in range(len(flat_p)))
        mean = flat_t[:, j].mean()
        tot = sum((flat_t[i, j] - mean) ** 2 for i in range(len(flat_t)))
        scores.append(0.0 if tot == 0 else 1 - res / tot)
    return np.array(scores).reshape(pred.shape[1:])


@given(kst.shapes(min_dims=1).flatmap(lambda s: st.tuples(kst.arrays(shape=s), kst.arrays(shape=s))))
def test_matches_numpy(case):
    pred, true = case
    raw = r2_score(pred, true, multioutput="raw_values")
    expected = _reference(pred, true)
    assert raw.shape == pred.shape[1:] and raw.dtype == np.float64 and raw.creator is None
    np.testing.assert_allclose(raw.array, expected, rtol=1e-9, atol=1e-9)
    avg = r2_score(pred, true)
    assert avg.shape == ()
    np.testing.assert_allclose(avg.array, expected.mean(), rtol=1e-9, atol=1e-9)


def test_float32_and_variables():
    pred = kusari.Variable(np.array([1.0, 2.0, 3.0], np.float32))
    true = np.array([1.0, 2.0, 2.0], np.float32)
    score = r2_score(pred, true)
    assert score.dtype == np.float32
    np.testing.assert_allclose(score.array, 1 - 1 / (2 / 3), rtol=1e-6)


def test_constant_target_scores_zero_even_when_exact():
    true = np.ones((3, 2))
    np.testing.assert_array_equal(r2_score(true.copy(), true, multioutput="raw_values").array, [0.0, 0.0])


def test_bad_arguments():
    x = np.zeros(3, np.float32)
    with pytest.raises(NotImplementedError, match=r"r2_score: argument 'sample_weight' is not supported"):
        r2_score(x, x, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"r2_score: argument 'multioutput' expected 'uniform_average' or "
                                         r"'raw_values', got 'variance_weighted'"):
        r2_score(x, x, multioutput="variance_weighted")
    with pytest.raises(InvalidType, match=r"r2_score: argument 'pred' expected a floating-point dtype"):
        r2_score(x.astype(np.int32), x)
    with pytest.raises(InvalidType, match=r"r2_score: argument 'pred' expected at least 1 dimensions, got 0"):
        r2_score(np.float32(1.0) + np.zeros((), np.float32), np.zeros((), np.float32))
    with pytest.raises(InvalidType, match=r"r2_score: argument 'true' expected a floating-point dtype"):
        r2_score(x, x.astype(np.int32))
    with pytest.raises(InvalidType, match=r"r2_score: argument 'true' expected shape \(3,\) \(the shape of 'pred'\), "
                                          r"got \(2,\)"):
        r2_score(x, x[:2])
