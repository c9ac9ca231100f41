import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.clipped_relu import clipped_relu
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _away_from_kinks(z):
    # |x| >= 0.1 and |x - z| >= 0.1: shift values that sit near z.
    return kst.arrays(shape=kst.shapes(), lo=-2, hi=z + 2, min_magnitude=0.1).map(
        lambda x: np.where(np.abs(x - z) < 0.1, z + 0.5, x))


@given(kst.arrays(shape=kst.shapes(), lo=-30, hi=30), st.floats(0.5, 25))
def test_forward_matches_numpy(x, z):
    np.testing.assert_array_equal(clipped_relu(x, z).array, np.minimum(np.maximum(x, 0), z))


def test_default_cap_is_20():
    np.testing.assert_array_equal(clipped_relu(np.array([-1.0, 19.0, 21.0])).array, [0, 19, 20])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([-1.5, 0.5, 25.0], dtype))
    y = clipped_relu(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_array_equal(x.grad, [0, 1, 0])


def test_gradient_is_zero_at_both_ends():
    x = kusari.Variable(np.array([0.0, 1.0, 3.0, 4.0], np.float32))
    y = clipped_relu(x, 3.0)
    y.grad = np.full(4, 5, np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [0, 5, 0, 0])


@given(st.floats(0.5, 3).flatmap(lambda z: st.tuples(st.just(z), _away_from_kinks(z))), st.data())
def test_gradient_and_double_gradient(z_x, data):
    z, x = z_x
    gy = data.draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    ggx = data.draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    check_backward(lambda v: clipped_relu(v, z), x, gy)
    check_double_backward(lambda v: clipped_relu(v, z), x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"clipped_relu: argument 'x' expected a floating-point dtype .*, got int64"):
        clipped_relu(np.array([1, -1], np.int64))


def test_non_positive_cap_is_rejected():
    with pytest.raises(InvalidType, match=r"clipped_relu: argument 'z' expected a positive number, got -1.0"):
        clipped_relu(np.array([1.0]), -1.0)
