"""F.binary_accuracy: NumPy reference, ignored labels, all-ignored and empty batches, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.evaluation.binary_accuracy import binary_accuracy
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(y, t):
    hits = used = 0
    for score, label in zip(y.ravel(), t.ravel(), strict=True):
        if label == -1:
            continue
        used += 1
        hits += int((score >= 0) == (label == 1))
    return hits / used if used else 0.0


@given(kst.shapes(min_dims=1).flatmap(lambda s: st.tuples(
    kst.arrays(shape=s, lo=-2, hi=2), kst.arrays(shape=s, dtype=np.int32, lo=-1, hi=1))))
def test_matches_numpy(case):
    y, t = case
    y = y.astype(np.float32)  # the reference sees the same (rounded) scores
    acc = binary_accuracy(y, t)
    assert acc.dtype == np.float32 and acc.shape == ()
    assert isinstance(acc, kusari.Variable) and acc.creator is None
    np.testing.assert_allclose(acc.array, _reference(y, t), rtol=1e-6)


def test_zero_counts_as_positive_and_all_ignored_is_zero():
    y = np.array([0.0, -0.5, 1.0])
    assert float(binary_accuracy(y, np.array([1, 0, 0])).array) == pytest.approx(2 / 3)
    assert float(binary_accuracy(y, np.array([-1, -1, -1])).array) == 0.0
    assert float(binary_accuracy(np.zeros(0, np.float32), np.zeros(0, np.int32)).array) == 0.0


def test_variable_inputs_and_float64():
    y = kusari.Variable(np.array([[2.0, -1.0]]))
    acc = binary_accuracy(y, np.array([[1, 1]], np.int32))
    assert acc.dtype == np.float64 and float(acc.array) == 0.5


@pytest.mark.parametrize(("y", "t", "match"), [
    (np.zeros(2, np.int32), np.zeros(2, np.int32), r"binary_accuracy: argument 'y' expected a floating-point dtype"),
    (np.zeros(2), np.zeros(2), r"binary_accuracy: argument 't' expected an integer dtype"),
    (np.zeros((2, 2)), np.zeros(4, np.int32),
     r"binary_accuracy: argument 't' expected shape \(2, 2\) \(the shape of 'y'\), got \(4,\)"),
])
def test_bad_inputs(y, t, match):
    with pytest.raises(InvalidType, match=match):
        binary_accuracy(y, t)
