import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, axis):
    x = x.astype(np.float64)
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


def _cases():
    return kst.shape_and_axis(min_dims=1, max_dims=3).flatmap(lambda sa: st.tuples(
        st.just(sa[1]), kst.arrays(shape=sa[0], lo=-3, hi=3), kst.arrays(shape=sa[0], lo=-1, hi=1),
        kst.arrays(shape=sa[0], lo=-1, hi=1)))


@given(_cases())
def test_forward_matches_numpy(args):
    axis, x, _, _ = args
    y = F.log_softmax(x, axis=axis).array
    np.testing.assert_allclose(y, _reference(x, axis), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.exp(y).sum(axis=axis), 1.0, rtol=1e-12)


def test_default_axis_is_1():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10
    np.testing.assert_allclose(F.log_softmax(x).array, _reference(x, 1), rtol=1e-6)


def test_agrees_with_log_of_softmax():
    x = np.array([[0.3, -1.2, 0.8], [2.0, 0.0, -0.5]])
    np.testing.assert_allclose(F.log_softmax(x).array, np.log(F.softmax(x).array), rtol=1e-12)


def test_large_inputs_are_stable():
    x = np.array([[1000.0, 1000.0, -1000.0], [-1e30, 0.0, 1e30]], np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = F.log_softmax(x).array
    # log(softmax) would give -inf here; the shifted form stays exact.
    np.testing.assert_allclose(y, [[-np.log(2), -np.log(2), -2000 - np.log(2)], [-2e30, -1e30, 0.0]],
                               rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([[0.5, -1.0, 2.0]], dtype))
    y = F.log_softmax(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype


def test_backward_matches_the_jacobian():
    x = kusari.Variable(np.array([[0.3, -1.2, 0.8], [2.0, 0.0, -0.5]]))
    y = F.log_softmax(x)
    gy = np.array([[1.0, -2.0, 0.5], [0.3, 0.2, 0.1]])
    y.grad = gy
    y.backward()
    for n in range(2):
        s = np.exp(_reference(x.array, 1)[n])
        jacobian = np.eye(3) - np.outer(np.ones(3), s)
        np.testing.assert_allclose(x.grad[n], jacobian.T @ gy[n], rtol=1e-12)


@given(_cases())
def test_gradient(args):
    axis, x, gy, _ = args
    check_backward(lambda v: F.log_softmax(v, axis=axis), x, gy)


@given(_cases())
def test_double_gradient(args):
    axis, x, gy, ggx = args
    check_double_backward(lambda v: F.log_softmax(v, axis=axis), x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"log_softmax: argument 'x' expected a floating-point dtype .*, got int32"):
        F.log_softmax(np.zeros((2, 3), np.int32))


def test_axis_out_of_range_is_rejected():
    with pytest.raises(InvalidType, match=r"log_softmax: argument 'axis' expected an axis in \[-2, 2\) "
                                          r"for shape \(2, 3\), got 2"):
        F.log_softmax(np.zeros((2, 3), np.float32), axis=2)
    with pytest.raises(InvalidType, match=r"log_softmax: argument 'axis' expected an axis in \[-1, 1\).*got 1"):
        F.log_softmax(np.zeros(3, np.float32))


def test_non_integer_axis_is_rejected():
    with pytest.raises(InvalidType, match=r"log_softmax: argument 'axis' expected an int, got float"):
        F.log_softmax(np.zeros((2, 3), np.float32), axis=1.0)
