import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

Y = np.array([[0.1, 0.7, 0.2], [8.0, 1.0, 2.0], [-8.0, 1.0, 2.0], [-8.0, -1.0, -2.0]], np.float32)
Y3 = np.array([[[0.1, 0.9], [0.8, 0.0], [0.1, 0.1]],
               [[0.3, 0.2], [0.2, 0.5], [0.5, 0.3]]], np.float32)  # (2, 3, 2): classes on axis 1
CASES = {
    "plain": (Y, np.array([1, 0, 0, 0], np.int32), {}),
    "ignore": (Y, np.array([1, 0, -1, -1], np.int32), dict(ignore_label=-1)),
    "ignore_miss": (Y, np.array([1, 2, 0, -1], np.int32), dict(ignore_label=-1)),
    "all_ignored": (Y, np.full(4, -1, np.int32), dict(ignore_label=-1)),
    "nd": (Y3, np.array([[1, 0], [2, 1]], np.int32), {}),
    "nd_ignore": (Y3, np.array([[1, 5], [2, 0]], np.int32), dict(ignore_label=5)),
}
# These values came from the reference Chainer 7.8.1: F.accuracy(y, t, **kwargs).array.item()
# on CASES (all of dtype float32).
CHAINER_ACCURACY = {
    "plain": 0.5,
    "ignore": 1.0,
    "ignore_miss": 0.3333333432674408,
    "all_ignored": 0.0,
    "nd": 1.0,
    "nd_ignore": 0.6666666865348816,
}


def _reference(y, t, ignore_label=None):
    """Plain NumPy, one sample at a time."""
    hits = total = 0
    for index in np.ndindex(*t.shape):
        label = int(t[index])
        if ignore_label is not None and label == ignore_label:
            continue
        scores = y[(index[0], slice(None)) + index[1:]]
        total += 1
        hits += int(np.argmax(scores) == label)
    return hits / total if total else 0.0


@pytest.mark.parametrize("name", CASES)
def test_matches_chainer(name):
    y, t, kwargs = CASES[name]
    acc = F.accuracy(y, t, **kwargs)
    assert acc.shape == () and acc.dtype == np.float32
    assert acc.array.item() == CHAINER_ACCURACY[name]


@pytest.mark.parametrize("name", CASES)
def test_matches_numpy_reference(name):
    y, t, kwargs = CASES[name]
    np.testing.assert_allclose(F.accuracy(y, t, **kwargs).array, _reference(y, t, **kwargs), rtol=1e-7)


def test_all_ignored_is_zero_not_nan():
    acc = F.accuracy(Y, np.full(4, 3, np.int32), ignore_label=3)
    assert acc.array == 0 and acc.dtype == np.float32


@st.composite
def _problems(draw):
    n = draw(st.integers(1, 4))
    n_class = draw(st.integers(1, 4))
    extra = draw(kst.shapes(min_dims=0, max_dims=1, max_side=3))
    y = draw(kst.arrays(shape=(n, n_class) + extra, lo=-3, hi=3, unique=True))
    t = draw(kst.arrays(shape=(n,) + extra, dtype=np.int32, lo=-1, hi=n_class - 1))
    return y, t, draw(st.sampled_from([None, -1, 0]))


@given(_problems())
def test_random_problems_match_reference(problem):
    y, t, ignore_label = problem
    acc = F.accuracy(y, t, ignore_label=ignore_label)
    assert acc.dtype == np.float64
    np.testing.assert_allclose(acc.array, _reference(y, t, ignore_label), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_follows_y(dtype):
    assert F.accuracy(Y.astype(dtype), CASES["plain"][1]).dtype == dtype


def test_is_not_part_of_the_graph():
    y = kusari.Variable(Y.copy())
    acc = F.accuracy(y * 2, kusari.Variable(CASES["plain"][1]))
    assert acc.creator is None and not acc.requires_grad
    assert acc.array == 0.5


def test_trailing_unit_axes_of_y_are_allowed():
    # Chainer's rule: y may have size-1 axes beyond t's.
    acc = F.accuracy(Y[:, :, None], np.array([1, 0, 2, 0], np.int32))
    assert acc.array == 0.75


def test_empty_batch_is_zero():
    assert F.accuracy(np.zeros((0, 3), np.float32), np.zeros(0, np.int32)).array == 0


def test_float_labels_are_rejected():
    with pytest.raises(InvalidType, match=r"accuracy: argument 't' expected an integer dtype .*, got float32"):
        F.accuracy(Y, np.zeros(4, np.float32))


def test_integer_scores_are_rejected():
    with pytest.raises(InvalidType, match=r"accuracy: argument 'y' expected a floating-point dtype .*, got int64"):
        F.accuracy(Y.astype(np.int64), np.zeros(4, np.int32))


def test_label_shape_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"accuracy: argument 't' expected shape \(4,\) "
                                          r"\(y's shape without the class axis 1\), got \(3,\)"):
        F.accuracy(Y, np.zeros(3, np.int32))
    with pytest.raises(InvalidType, match=r"expected shape \(2, 2\) .*, got \(2, 3\)"):
        F.accuracy(Y3, np.zeros((2, 3), np.int32))
