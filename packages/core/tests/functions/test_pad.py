"""pad (constant mode)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.pad import pad
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _case(draw):
    x = draw(kst.arrays(shape=kst.shapes()))
    n = x.ndim
    width = st.integers(0, 2)
    # One pair per axis only for n > 0: numpy.pad itself rejects an empty width list.
    per_axis = st.lists(st.tuples(width, width), min_size=n, max_size=n).map(tuple) if n else width
    pad_width = draw(st.one_of(width, st.tuples(width, width), per_axis))
    value = draw(st.floats(-3, 3))
    return x, pad_width, value


@given(_case(), st.data())
def test_forward_matches_numpy_and_gradients(case, data):
    x, pad_width, value = case
    expected = np.pad(x, pad_width, mode="constant", constant_values=value)
    np.testing.assert_array_equal(pad(x, pad_width, "constant", constant_values=value).array, expected)
    gy, ggx = data.draw(kst.arrays(shape=expected.shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: pad(v, pad_width, "constant", constant_values=value)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


def test_float32_gradient_is_the_inner_slice():
    x = kusari.Variable(np.zeros(2, np.float32))
    y = pad(x, (1, 2), "constant")
    np.testing.assert_array_equal(y.array, [0, 0, 0, 0, 0])
    assert y.dtype == np.float32
    y.grad = np.arange(5, dtype=np.float32)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [1, 2])


def test_bad_arguments_are_rejected():
    x = np.ones((2, 2), np.float32)
    with pytest.raises(InvalidType, match=r"^pad: argument 'mode' expected 'constant', got 'reflect'$"):
        pad(x, 1, "reflect")
    with pytest.raises(InvalidType, match=r"^pad: argument 'keywords' expected only 'constant_values', "
                                          r"got reflect_type$"):
        pad(x, 1, "constant", reflect_type="odd")
    for bad in (-1, (1, 2, 3), 1.5, ((1, 1), (1, 1), (1, 1))):
        with pytest.raises(InvalidType, match=r"^pad: argument 'pad_width' expected non-negative ints broadcastable "
                                              r"to \(2, 2\), got "):
            pad(x, bad, "constant")
