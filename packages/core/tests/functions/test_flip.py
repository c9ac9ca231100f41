"""flip, fliplr, flipud."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.flip import flip, fliplr, flipud
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _check(func, reference, x, data):
    np.testing.assert_array_equal(func(x).array, reference(x))
    gy, ggx = data.draw(kst.arrays(shape=x.shape)), data.draw(kst.arrays(shape=x.shape))
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


@given(kst.arrays(shape=kst.shapes(min_dims=1)), st.data())
def test_flip(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    _check(lambda v: flip(v, axis), lambda v: np.flip(v, axis), x, data)


@given(kst.arrays(shape=kst.shapes(min_dims=2)), st.data())
def test_fliplr(x, data):
    _check(fliplr, np.fliplr, x, data)


@given(kst.arrays(shape=kst.shapes(min_dims=1)), st.data())
def test_flipud(x, data):
    _check(flipud, np.flipud, x, data)


def test_float32_gradient_is_flipped_back():
    x = kusari.Variable(np.zeros(3, np.float32))
    y = flipud(x)
    y.grad = np.array([1, 2, 3], np.float32)
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [3, 2, 1])


def test_bad_inputs_are_rejected():
    with pytest.raises(InvalidType, match=r"^flip: argument 'axis' expected an axis in \[-2, 1\] for a "
                                          r"2-dimensional input, got 2$"):
        flip(np.ones((2, 2), np.float32), 2)
    with pytest.raises(InvalidType, match=r"^flip: argument 'axis' expected an int, got None$"):
        flip(np.ones((2, 2), np.float32), None)
    with pytest.raises(InvalidType, match=r"^fliplr: argument 'a' expected at least 2 dimensions, got 1 "
                                          r"\(shape \(3,\)\)$"):
        fliplr(np.ones(3, np.float32))
    with pytest.raises(InvalidType, match=r"^flipud: argument 'a' expected at least 1 dimensions, got 0 "
                                          r"\(shape \(\)\)$"):
        flipud(np.ones((), np.float32))
