"""permutate."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.permutate import permutate
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _case(draw, dtype=np.float64):
    shape, axis = draw(kst.shape_and_axis())
    x = draw(kst.arrays(shape=shape, dtype=dtype))
    indices = np.array(draw(st.permutations(range(shape[axis]))), np.int32)
    return x, indices, axis


@given(_case(dtype=np.float32))
def test_forward_matches_numpy(case):
    x, indices, axis = case
    y = permutate(x, indices, axis=axis)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.array, np.take(x, indices, axis=axis))
    inv = permutate(x, kusari.Variable(indices), axis=axis, inv=True).array
    np.testing.assert_array_equal(np.take(inv, indices, axis=axis), x)


@given(case=_case(), inv=st.booleans(), data=st.data())
def test_gradients(case, inv, data):
    x, indices, axis = case
    gy = data.draw(kst.arrays(shape=x.shape))
    gg = data.draw(kst.arrays(shape=x.shape))
    func = lambda v: permutate(v, indices, axis=axis, inv=inv)
    check_backward(func, (x,), gy)
    check_double_backward(lambda v: func(v) * v, (x,), gy, (gg,))


def test_bad_inputs_are_rejected():
    x = np.zeros((3, 2))
    with pytest.raises(InvalidType, match=r"^permutate: argument 'indices' expected an integer array, got list$"):
        permutate(x, [0, 1, 2])
    with pytest.raises(InvalidType, match=r"^permutate: argument 'indices' expected an integer dtype .*got float64$"):
        permutate(x, np.array([0., 1., 2.]))
    with pytest.raises(InvalidType, match=r"^permutate: argument 'indices' expected 1 dimensions, got 2"):
        permutate(x, np.zeros((3, 1), np.int32))
    with pytest.raises(InvalidType, match=r"^permutate: argument 'indices' expected a permutation of range\(3\) "
                                          r"\(x.shape\[0\]\), got \[0, 0, 1\]$"):
        permutate(x, np.array([0, 0, 1]))
    with pytest.raises(InvalidType, match=r"^permutate: argument 'indices' expected a permutation of range\(2\) "
                                          r"\(x.shape\[1\]\), got \[0\]$"):
        permutate(x, np.array([0]), axis=1)
    with pytest.raises(InvalidType, match=r"^permutate: argument 'axis' expected an int in \[-2, 1\] for a "
                                          r"2-dimensional input, got 2$"):
        permutate(x, np.array([0, 1]), axis=2)
