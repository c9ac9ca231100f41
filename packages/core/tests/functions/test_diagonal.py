"""diagonal."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.array.diagonal import diagonal
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _case(draw, dtype=np.float64):
    shape = draw(kst.shapes(min_dims=2))
    ndim = len(shape)
    axis1, axis2 = draw(st.permutations(range(-ndim, 0)))[:2]
    offset = draw(st.integers(-4, 4))
    return draw(kst.arrays(shape=shape, dtype=dtype)), offset, axis1, axis2


@given(_case(dtype=np.float32))
def test_forward_matches_numpy(case):
    x, offset, axis1, axis2 = case
    y = diagonal(x, offset, axis1, axis2)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.array, np.diagonal(x, offset, axis1, axis2))
    y.array[...] = 1  # the output is the caller's own memory
    assert not np.shares_memory(y.array, x)


def test_default_is_main_diagonal_of_first_two_axes():
    x = np.arange(8.).reshape(2, 2, 2)
    np.testing.assert_array_equal(diagonal(x).array, [[0., 6.], [1., 7.]])


@given(case=_case(), data=st.data())
def test_gradients(case, data):
    x, offset, axis1, axis2 = case
    func = lambda v: diagonal(v, offset, axis1, axis2)
    gy = data.draw(kst.arrays(shape=func(x).shape))
    gg = data.draw(kst.arrays(shape=x.shape))
    check_backward(func, (x,), gy)
    check_double_backward(lambda v: func(v) * func(v), (x,), gy, (gg,))


def test_bad_inputs_are_rejected():
    x = np.zeros((2, 3))
    with pytest.raises(InvalidType, match=r"^diagonal: argument 'x' expected at least 2 dimensions, got 1"):
        diagonal(np.zeros(3))
    with pytest.raises(InvalidType, match=r"^diagonal: argument 'offset' expected an int, got 0.5$"):
        diagonal(x, 0.5)
    with pytest.raises(InvalidType, match=r"^diagonal: argument 'axis1' expected an int in \[-2, 1\] for a "
                                          r"2-dimensional input, got 2$"):
        diagonal(x, 0, 2, 1)
    with pytest.raises(InvalidType, match=r"^diagonal: argument 'axis2' expected an axis other than axis1 \(1\), "
                                          r"got -1$"):
        diagonal(x, 0, 1, -1)
