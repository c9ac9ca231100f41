"""swapaxes, moveaxis, rollaxis."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.moveaxis import moveaxis, rollaxis, swapaxes
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _check(func, reference, x, data):
    expected = reference(x)
    y = func(x)
    assert y.shape == expected.shape
    np.testing.assert_array_equal(y.array, expected)
    gy = data.draw(kst.arrays(shape=expected.shape))
    ggx = data.draw(kst.arrays(shape=x.shape))
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


@given(kst.arrays(shape=kst.shapes(min_dims=1)), st.data())
def test_swapaxes(x, data):
    n = x.ndim
    a1, a2 = data.draw(st.integers(-n, n - 1)), data.draw(st.integers(-n, n - 1))
    _check(lambda v: swapaxes(v, a1, a2), lambda v: np.swapaxes(v, a1, a2), x, data)


@given(kst.arrays(shape=kst.shapes(min_dims=1)), st.data())
def test_moveaxis(x, data):
    n = x.ndim
    k = data.draw(st.integers(1, n))
    src = tuple(data.draw(st.permutations(range(n)))[:k])
    dst = tuple(a - n if data.draw(st.booleans()) else a for a in data.draw(st.permutations(range(n)))[:k])
    if k == 1 and data.draw(st.booleans()):
        src, dst = src[0], dst[0]
    _check(lambda v: moveaxis(v, src, dst), lambda v: np.moveaxis(v, src, dst), x, data)


@given(kst.arrays(shape=kst.shapes(min_dims=1)), st.data())
def test_rollaxis(x, data):
    n = x.ndim
    axis, start = data.draw(st.integers(-n, n - 1)), data.draw(st.integers(-n, n))
    _check(lambda v: rollaxis(v, axis, start), lambda v: np.rollaxis(v, axis, start), x, data)


def test_float32_gradient():
    x = kusari.Variable(np.zeros((2, 3), np.float32))
    y = swapaxes(x, 0, 1)
    y.grad = np.arange(6, dtype=np.float32).reshape(3, 2)
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.arange(6).reshape(3, 2).T)


def test_bad_axes_are_rejected():
    x = np.ones((2, 3, 4), np.float32)
    with pytest.raises(InvalidType, match=r"^swapaxes: argument 'axis2' expected an axis in \[-3, 2\] for a "
                                          r"3-dimensional input, got 3$"):
        swapaxes(x, 0, 3)
    with pytest.raises(InvalidType, match=r"^moveaxis: argument 'source' expected distinct axes, got \(0, -3\)$"):
        moveaxis(x, (0, -3), (1, 2))
    with pytest.raises(InvalidType, match=r"^moveaxis: argument 'destination' expected 2 axes \(as many as source\), "
                                          r"got 1$"):
        moveaxis(x, (0, 1), 2)
    with pytest.raises(InvalidType, match=r"^moveaxis: argument 'destination' expected an int, got 'a'$"):
        moveaxis(x, 0, "a")
    with pytest.raises(InvalidType, match=r"^rollaxis: argument 'start' expected a position in \[-3, 3\] for a "
                                          r"3-dimensional input, got 4$"):
        rollaxis(x, 0, 4)
    with pytest.raises(InvalidType, match=r"^rollaxis: argument 'start' expected an int, got None$"):
        rollaxis(x, 0, None)
    with pytest.raises(InvalidType, match=r"^rollaxis: argument 'axis' expected an axis in \[-3, 2\] .*, got -4$"):
        rollaxis(x, -4)
