"""square."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(x=kst.arrays(shape=kst.shapes(), lo=-10, hi=10))
def test_forward_matches_numpy(x):
    np.testing.assert_array_equal(F.square(x).array, np.square(x))


def test_float32_and_gradient_two_x():
    x = kusari.Variable(np.array([-1.5, 0.0, 3.0], np.float32))
    y = F.square(x)
    F.sum(y).backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [-3.0, 0.0, 6.0])


@given(kst.shapes().flatmap(lambda s: st.tuples(kst.arrays(shape=s), kst.arrays(shape=s), kst.arrays(shape=s))))
def test_gradients(point):
    x, gy, ggx = point
    check_backward(F.square, x, gy)
    check_double_backward(F.square, x, gy, ggx)


def test_second_derivative_is_two():
    x = kusari.Variable(np.array([1.0, -4.0]))
    gx, = kusari.grad([F.sum(F.square(x))], [x], enable_double_backprop=True)
    ggx, = kusari.grad([F.sum(gx)], [x])
    np.testing.assert_array_equal(ggx.array, [2.0, 2.0])


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"^square: argument 'x' expected a floating-point dtype .*, got int32$"):
        F.square(np.ones(2, np.int32))
