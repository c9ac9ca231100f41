"""sum."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.functions.math.sum import normalize_axis
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _case():
    """(x, axis, keepdims) with any valid reduction axis of x."""
    return kst.shapes().flatmap(lambda s: st.tuples(kst.arrays(shape=s), kst.reduction_axes(len(s)), st.booleans()))


@given(_case())
def test_forward_matches_numpy(case):
    x, axis, keepdims = case
    y = F.sum(x, axis=axis, keepdims=keepdims)
    expected = np.sum(x, axis=axis, keepdims=keepdims)
    assert y.shape == expected.shape and isinstance(y.array, np.ndarray)
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


def test_float32_is_kept():
    x = kusari.Variable(np.ones((2, 3), np.float32))
    y = F.sum(x, axis=0)
    F.sum(y).backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))


def test_gradient_broadcasts_back_over_the_reduced_axes():
    x = kusari.Variable(np.zeros((2, 3, 2)))
    y = F.sum(x, axis=(0, 2))
    y.grad = np.array([1.0, 2.0, 3.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, np.broadcast_to(np.array([1.0, 2.0, 3.0])[None, :, None], (2, 3, 2)))


@given(case=_case(), data=st.data())
def test_gradients(case, data):
    x, axis, keepdims = case
    out_shape = np.sum(x, axis=axis, keepdims=keepdims).shape
    gy = data.draw(kst.arrays(shape=out_shape))
    ggx = data.draw(kst.arrays(shape=x.shape))
    func = lambda v: F.sum(v, axis=axis, keepdims=keepdims)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


def test_normalize_axis():
    assert normalize_axis("f", None, 2) is None
    assert normalize_axis("f", -1, 3) == (2,)
    assert normalize_axis("f", (2, -3), 3) == (0, 2)
    assert normalize_axis("f", np.int64(1), 2) == (1,)


@pytest.mark.parametrize("axis, expected", [
    (2, r"axes in \[-2, 1\] for a 2-dimensional input, got 2"),
    ((0, -3), r"axes in \[-2, 1\] for a 2-dimensional input, got \(0, -3\)"),
    ((1, -1), r"distinct axes, got \(1, -1\)"),
    (1.0, r"None, an int or a tuple of ints, got 1.0"),
    ([0], r"None, an int or a tuple of ints, got \[0\]"),
    (True, r"None, an int or a tuple of ints, got True"),
])
def test_bad_axis_is_rejected(axis, expected):
    with pytest.raises(InvalidType, match=r"^sum: argument 'axis' expected " + expected + "$"):
        F.sum(np.ones((2, 3), np.float32), axis=axis)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"^sum: argument 'x' expected a floating-point dtype .*, got int32$"):
        F.sum(np.ones((2, 3), np.int32))
