"""identity."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def test_one_input_returns_one_variable_over_the_same_array():
    x = kusari.Variable(np.array([1.0, 2.0], np.float32))
    y = F.identity(x)
    assert isinstance(y, kusari.Variable) and y is not x
    assert y.array is x.array and y.creator is not None


def test_several_inputs_return_a_tuple():
    a, b = np.zeros(2, np.float32), np.ones((3, 1), np.int32)
    ys = F.identity(a, b)
    assert isinstance(ys, tuple) and len(ys) == 2
    assert ys[0].array is a and ys[1].array is b


def test_gradients_pass_through_unchanged():
    a = kusari.Variable(np.zeros(2, np.float32))
    b = kusari.Variable(np.zeros(3, np.float32))
    ya, yb = F.identity(a, b)
    kusari.backward([ya, yb], [np.array([1.0, 2.0], np.float32), np.array([3.0, 4.0, 5.0], np.float32)])
    np.testing.assert_array_equal(a.grad, [1.0, 2.0])
    np.testing.assert_array_equal(b.grad, [3.0, 4.0, 5.0])
    assert a.grad.dtype == np.float32


def test_an_output_without_gradient_gives_its_input_none():
    a = kusari.Variable(np.zeros(2))
    b = kusari.Variable(np.zeros(2))
    ya, yb = F.identity(a, b)
    F.sum(ya).backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])
    assert b.grad is None


@given(kst.shapes().flatmap(lambda s: st.tuples(kst.arrays(shape=s), kst.arrays(shape=s), kst.arrays(shape=s))))
def test_gradients(point):
    x, gy, ggx = point
    check_backward(F.identity, x, gy)
    check_double_backward(F.identity, x, gy, ggx)


@given(kst.broadcastable_pairs().flatmap(lambda p: st.tuples(*[kst.arrays(shape=s) for s in p + p + p])))
def test_gradients_with_two_inputs(arrays):
    a, b, ga, gb, gga, ggb = arrays
    check_backward(F.identity, (a, b), (ga, gb))
    check_double_backward(F.identity, (a, b), (ga, gb), (gga, ggb))


def test_no_input_is_rejected():
    with pytest.raises(InvalidType, match=r"^identity: argument 'inputs' expected at least one Variable or array, "
                                          r"got none$"):
        F.identity()
