"""separate."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.separate import separate
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(kst.shape_and_axis(), st.data())
def test_forward_matches_numpy_and_gradients(case, data):
    shape, axis = case
    x = data.draw(kst.arrays(shape=shape))
    ys = separate(x, axis)
    expected = [np.take(x, i, axis=axis) for i in range(shape[axis])]
    assert isinstance(ys, tuple) and len(ys) == len(expected)
    for y, e in zip(ys, expected):
        np.testing.assert_array_equal(y.array, e)
    gys = tuple(data.draw(kst.arrays(shape=e.shape)) for e in expected)
    ggx = data.draw(kst.arrays(shape=shape))
    func = lambda v: separate(v, axis)
    check_backward(func, x, gys)
    check_double_backward(func, x, gys, ggx)


def test_float32_gradient_is_stacked_back():
    x = kusari.Variable(np.zeros((2, 2), np.float32))
    a, b = separate(x, axis=1)
    assert a.dtype == np.float32 and a.shape == (2,)
    loss = a * 2 + b * 3
    loss.grad = np.ones(2, np.float32)
    loss.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [[2, 3], [2, 3]])


def test_bad_axis_is_rejected():
    with pytest.raises(InvalidType, match=r"^separate: argument 'axis' expected an axis in \[-2, 1\] for a "
                                          r"2-dimensional input, got 2$"):
        separate(np.ones((2, 2), np.float32), 2)
    with pytest.raises(InvalidType, match=r"^separate: argument 'axis' expected an axis in \[0, -1\] for a "
                                          r"0-dimensional input, got 0$"):
        separate(np.ones((), np.float32))
