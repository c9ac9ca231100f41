import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.crelu import crelu
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(kst.shape_and_axis().flatmap(lambda sa: st.tuples(kst.arrays(shape=sa[0], lo=-3, hi=3), st.just(sa[1]))))
def test_forward_matches_numpy(args):
    x, axis = args
    expected = np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], axis=axis)
    np.testing.assert_array_equal(crelu(x, axis).array, expected)


def test_default_axis_is_1():
    x = np.array([[[-1.0], [2.0]]], np.float32)
    assert crelu(x).shape == (1, 4, 1)


def test_float32_is_preserved():
    x = kusari.Variable(np.array([[-1.0, 2.0]], np.float32))
    y = crelu(x)
    y.grad = np.array([[1, 2, 3, 4]], np.float32)
    y.backward()
    assert y.dtype == x.grad.dtype == np.float32
    # d/dx of [relu(x), relu(-x)]: -1 (from relu(-x)) at x=-1, 1 at x=2.
    np.testing.assert_array_equal(x.grad, [[-3, 2]])


def _args():
    return kst.shape_and_axis().flatmap(lambda sa: st.tuples(
        kst.arrays(shape=sa[0], lo=-2, hi=2, min_magnitude=0.1), st.just(sa[1]),
        kst.arrays(shape=tuple(2 * n if i == sa[1] % len(sa[0]) else n for i, n in enumerate(sa[0])), lo=-1, hi=1),
        kst.arrays(shape=sa[0], lo=-1, hi=1)))


@given(_args())
def test_gradient_and_double_gradient(args):
    x, axis, gy, ggx = args
    check_backward(lambda v: crelu(v, axis), x, gy)
    check_double_backward(lambda v: crelu(v, axis), x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"crelu: argument 'x' expected a floating-point dtype .*, got int32"):
        crelu(np.ones((1, 2), np.int32))


def test_bad_axis_is_rejected():
    with pytest.raises(InvalidType, match=r"crelu: argument 'axis' expected an axis of a 2-dimensional x, got 2"):
        crelu(np.ones((1, 2)), axis=2)
