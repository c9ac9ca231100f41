"""concat."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _pieces(draw):
    """(xs, axis): 1 to 3 arrays equal in shape except along ``axis``."""
    shape = draw(kst.shapes(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    xs = []
    for _ in range(draw(st.integers(1, 3))):
        s = list(shape)
        s[axis] = draw(st.integers(0, 3))
        xs.append(draw(kst.arrays(shape=tuple(s))))
    return xs, axis


@given(_pieces())
def test_forward_matches_numpy(case):
    xs, axis = case
    np.testing.assert_array_equal(F.concat(xs, axis=axis).array, np.concatenate(xs, axis=axis))


def test_default_axis_is_one_and_any_dtype_works():
    a, b = np.zeros((2, 1), np.int32), np.ones((2, 2), np.int32)
    y = F.concat((a, b))
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y.array, [[0, 1, 1], [0, 1, 1]])


def test_gradient_is_split_back():
    a = kusari.Variable(np.zeros((2, 1), np.float32))
    b = kusari.Variable(np.zeros((2, 2), np.float32))
    y = F.concat([a, b], axis=1)
    y.grad = np.arange(6, dtype=np.float32).reshape(2, 3)
    y.backward()
    assert a.grad.dtype == np.float32
    np.testing.assert_array_equal(a.grad, [[0], [3]])
    np.testing.assert_array_equal(b.grad, [[1, 2], [4, 5]])


def test_constant_inputs_get_no_gradient():
    a = kusari.Variable(np.zeros(2))
    y = F.concat([np.ones(3), a], axis=0)
    y.grad = np.arange(5.0)
    y.backward()
    np.testing.assert_array_equal(a.grad, [3.0, 4.0])


@given(case=_pieces(), data=st.data())
def test_gradients(case, data):
    xs, axis = case
    gy = data.draw(kst.arrays(shape=np.concatenate(xs, axis=axis).shape))
    ggs = tuple(data.draw(kst.arrays(shape=x.shape)) for x in xs)
    func = lambda *vs: F.concat(vs, axis=axis)
    check_backward(func, tuple(xs), gy)
    check_double_backward(func, tuple(xs), gy, ggs)


def test_bad_sequences_are_rejected():
    with pytest.raises(InvalidType, match=r"^concat: argument 'xs' expected a list or tuple of Variables or arrays, "
                                          r"got ndarray$"):
        F.concat(np.ones((2, 3)))
    with pytest.raises(InvalidType, match=r"^concat: argument 'xs' expected at least one array, got an empty sequence$"):
        F.concat([])


def test_mismatched_inputs_are_rejected():
    a = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^concat: argument 'xs\[1\]' expected shape \(2, \*\) \(the shape of xs\[0\] "
                                          r"except on axis 1\), got \(3, 2\)$"):
        F.concat([a, np.ones((3, 2), np.float32)])
    with pytest.raises(InvalidType, match=r"^concat: argument 'xs\[2\]' expected shape \(\*, 3\) .*, got \(2, 3, 1\)$"):
        F.concat([a, a, np.ones((2, 3, 1), np.float32)], axis=0)
    with pytest.raises(InvalidType, match=r"^concat: argument 'xs\[1\]' expected dtype float32 \(the dtype of xs\[0\]\), "
                                          r"got float64$"):
        F.concat([a, np.ones((2, 2))])


def test_bad_axis_is_rejected():
    a = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^concat: argument 'axis' expected an axis in \[-2, 1\] for 2-dimensional "
                                          r"inputs, got 2$"):
        F.concat([a, a], axis=2)
    with pytest.raises(InvalidType, match=r"^concat: argument 'axis' expected an int, got 1.0$"):
        F.concat([a, a], axis=1.0)
    with pytest.raises(InvalidType, match=r"^concat: argument 'xs\[0\]' expected at least 1 dimension, got 0 "
                                          r"\(shape \(\)\)$"):
        F.concat([np.ones(()), np.ones(())], axis=0)
