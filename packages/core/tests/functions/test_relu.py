import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(kst.arrays(shape=kst.shapes(), dtype=np.float32, lo=-3, hi=3))
def test_forward_matches_numpy(x):
    y = F.relu(x)
    np.testing.assert_array_equal(y.array, np.where(x > 0, x, 0))
    assert y.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([[-1.5, 0.0, 2.5]], dtype))
    y = F.relu(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype


def test_gradient_is_zero_at_and_below_zero():
    x = kusari.Variable(np.array([-2.0, -0.0, 0.0, 1e-30, 3.0], np.float32))
    y = F.relu(x)
    y.grad = np.full(5, 7, np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 0, 7, 7])


def test_backward_keeps_the_output_not_the_input():
    x = kusari.Variable(np.array([-1.0, 2.0], np.float32))
    y = F.relu(x)
    func = y.creator_node
    assert func.inputs[0].data is None
    assert func.output_data[0] is y.array


def test_0d_input():
    x = kusari.Variable(np.array(-3.0, np.float32))
    y = F.relu(x)
    assert y.shape == () and y.array == 0
    y.backward()
    assert x.grad == 0


@given(kst.shapes().flatmap(lambda s: st.tuples(
    kst.arrays(shape=s, lo=-2, hi=2, min_magnitude=0.1), kst.arrays(shape=s, lo=-1, hi=1))))
def test_gradient(args):
    x, gy = args
    check_backward(F.relu, x, gy)


@given(kst.shapes().flatmap(lambda s: st.tuples(
    kst.arrays(shape=s, lo=-2, hi=2, min_magnitude=0.1), kst.arrays(shape=s, lo=-1, hi=1),
    kst.arrays(shape=s, lo=-1, hi=1))))
def test_double_gradient(args):
    x, gy, ggx = args
    check_double_backward(F.relu, x, gy, ggx)


def test_second_derivative_is_zero_and_first_is_the_mask():
    x = kusari.Variable(np.array([-1.0, 2.0], np.float64))
    gx, = kusari.grad([F.relu(x)], [x], [np.array([3.0, 4.0])], enable_double_backprop=True)
    np.testing.assert_array_equal(gx.array, [0.0, 4.0])
    gx.grad = np.ones(2)
    gx.backward()
    assert x.grad is None or not x.grad.any()


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"relu: argument 'x' expected a floating-point dtype .*, got int32"):
        F.relu(np.array([1, -1], np.int32))
