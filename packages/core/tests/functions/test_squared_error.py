import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.squared_error import squared_error
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _pairs():
    # x1 = np.asarray(x0 + offset) with |offset| >= 0.1 keeps x0 - x1 away from the kink at 0.
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s), kst.arrays(shape=s, lo=-1, hi=1, min_magnitude=0.1), kst.arrays(shape=s, lo=-1, hi=1),
        kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1)))


@given(_pairs())
def test_forward_matches_numpy(args):
    x0, offset, _, _, _ = args
    x1 = np.asarray(x0 + offset)
    y = squared_error(x0, x1)
    assert y.shape == x0.shape
    np.testing.assert_allclose(y.array, (x0 - x1) ** 2, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x0 = kusari.Variable(np.array([[1.0, 2.0], [3.0, -1.0]], dtype))
    x1 = kusari.Variable(np.array([[0.5, 2.0], [1.0, 1.0]], dtype))
    y = squared_error(x0, x1)
    y.grad = np.ones(y.shape, dtype)
    y.backward()
    assert y.dtype == dtype and x0.grad.dtype == dtype and x1.grad.dtype == dtype
    np.testing.assert_allclose(y.array, [[0.25, 0], [4, 4]], rtol=1e-3)


def test_gradient_values():
    x0 = kusari.Variable(np.array([1.0, 2.0, 4.0]))
    x1 = kusari.Variable(np.array([1.0, 3.0, 1.0]))
    y = squared_error(x0, x1)
    y.grad = np.ones(y.shape)
    y.backward()
    np.testing.assert_allclose(x0.grad, [0.0, -2.0, 6.0])
    np.testing.assert_allclose(x1.grad, -np.array([0.0, -2.0, 6.0]))


@given(_pairs())
def test_gradient(args):
    x0, offset, gy, _, _ = args
    check_backward(squared_error, (x0, np.asarray(x0 + offset)), gy)


@given(_pairs())
def test_double_gradient(args):
    x0, offset, gy, ggx0, ggx1 = args
    check_double_backward(squared_error, (x0, np.asarray(x0 + offset)), gy, (ggx0, ggx1))


def test_dtype_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"squared_error: argument 'x1' expected dtype float32 "
                                          r"\(the dtype of 'x0'\), got float64"):
        squared_error(np.zeros(3, np.float32), np.zeros(3, np.float64))


def test_shape_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"squared_error: argument 'x1' expected shape \(2, 3\) "
                                          r"\(the shape of 'x0'\), got \(3, 2\)"):
        squared_error(np.zeros((2, 3), np.float32), np.zeros((3, 2), np.float32))


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"squared_error: argument 'x0' expected a floating-point dtype "
                                          r".*, got int32"):
        squared_error(np.zeros(3, np.int32), np.zeros(3, np.int32))
