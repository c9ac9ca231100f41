"""repeat."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.repeat import repeat
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _case(draw):
    x = draw(kst.arrays(shape=kst.shapes()))
    axis = draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1))) if x.ndim else None
    n = x.size if axis is None else x.shape[axis]
    repeats = draw(st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), min_size=n, max_size=n).map(tuple),
                             st.integers(0, 3).map(lambda r: [r])))
    return x, repeats, axis


@given(_case(), st.data())
def test_forward_matches_numpy_and_gradients(case, data):
    x, repeats, axis = case
    expected = np.repeat(x, repeats, axis=axis)
    y = repeat(x, repeats, axis=axis)
    assert y.shape == expected.shape
    np.testing.assert_array_equal(y.array, expected)
    gy, ggx = data.draw(kst.arrays(shape=expected.shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: repeat(v, repeats, axis=axis)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


def test_float32_gradient_sums_each_run():
    x = kusari.Variable(np.zeros((1, 3), np.float32))
    y = repeat(x, (2, 0, 1), axis=1)
    assert y.shape == (1, 3) and y.dtype == np.float32
    y.grad = np.array([[1, 2, 4]], np.float32)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [[3, 0, 4]])


def test_bad_arguments_are_rejected():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^repeat: argument 'repeats' expected a non-negative int or a tuple of "
                                          r"them, got -1$"):
        repeat(x, -1)
    with pytest.raises(InvalidType, match=r"^repeat: argument 'repeats' expected a non-negative int or a tuple of "
                                          r"them, got \(\)$"):
        repeat(x, ())
    with pytest.raises(InvalidType, match=r"^repeat: argument 'repeats' expected 1 or 3 counts \(the length of axis "
                                          r"1\), got 2$"):
        repeat(x, (1, 2), axis=1)
    with pytest.raises(InvalidType, match=r"^repeat: argument 'axis' expected an axis in \[-2, 1\] for a "
                                          r"2-dimensional input, got 2$"):
        repeat(x, 2, axis=2)
