"""squared_difference."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.squared_difference import squared_difference
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def test_forward_matches_numpy_and_keeps_float32():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(2, 3, 4)).astype(np.float32), rng.normal(size=(2, 3, 4)).astype(np.float32)
    y = squared_difference(kusari.Variable(a), b)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, (a.astype(np.float64) - b) ** 2, rtol=1e-6)


def test_inputs_are_not_modified():
    a, b = np.array([3.0, 1.0], np.float32), np.array([1.0, 4.0], np.float32)
    squared_difference(a, b)
    np.testing.assert_array_equal(a, [3, 1])
    np.testing.assert_array_equal(b, [1, 4])


def test_gradient_is_twice_the_difference():
    a = kusari.Variable(np.array([3.0, 1.0], np.float32))
    b = kusari.Variable(np.array([1.0, 4.0], np.float32))
    y = squared_difference(a, b)
    y.grad = np.array([1.0, 0.5], np.float32)
    y.backward()
    np.testing.assert_array_equal(a.grad, [4.0, -3.0])
    np.testing.assert_array_equal(b.grad, [-4.0, 3.0])


@given(kst.shapes().flatmap(lambda s: st.tuples(*[kst.arrays(shape=s) for _ in range(5)])))
def test_gradients(arrays):
    a, b, gy, ga, gb = arrays
    check_backward(squared_difference, (a, b), gy)
    check_double_backward(squared_difference, (a, b), gy, (ga, gb))


def test_different_shapes_are_rejected():
    with pytest.raises(InvalidType, match=r"^squared_difference: argument 'x2' expected shape \(2, 3\) "
                                          r"\(the shape of 'x1'\), got \(3,\)$"):
        squared_difference(np.ones((2, 3), np.float32), np.ones(3, np.float32))


def test_mixed_dtypes_are_rejected():
    with pytest.raises(InvalidType, match=r"^squared_difference: argument 'x2' expected dtype float32 "
                                          r"\(the dtype of 'x1'\), got float16$"):
        squared_difference(np.ones(3, np.float32), np.ones(3, np.float16))


def test_integer_inputs_are_rejected():
    with pytest.raises(InvalidType, match=r"^squared_difference: argument 'x1' expected a floating-point dtype .*, got int32$"):
        squared_difference(np.ones(3, np.int32), np.ones(3, np.int32))
