"""sin, cos, tan, arcsin, arccos, arctan, arctan2."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.trigonometric import arccos, arcsin, arctan, arctan2, cos, sin, tan
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

# name: (function, NumPy reference, domain kept away from poles and branch ends)
FUNCS = {
    "sin": (sin, np.sin, -3.0, 3.0),
    "cos": (cos, np.cos, -3.0, 3.0),
    "tan": (tan, np.tan, -1.2, 1.2),
    "arcsin": (arcsin, np.arcsin, -0.8, 0.8),
    "arccos": (arccos, np.arccos, -0.8, 0.8),
    "arctan": (arctan, np.arctan, -3.0, 3.0),
}

# The derivatives written independently of the implementation.
DERIVATIVES = {
    "sin": np.cos,
    "cos": lambda x: -np.sin(x),
    "tan": lambda x: 1 / np.cos(x) ** 2,
    "arcsin": lambda x: 1 / np.sqrt(1 - x * x),
    "arccos": lambda x: -1 / np.sqrt(1 - x * x),
    "arctan": lambda x: 1 / (1 + x * x),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_forward_matches_numpy_and_keeps_float32(unary, name):
    func, ref, lo, hi = FUNCS[name]
    unary.check_float32_forward(func, ref, lo, hi, seed=0)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_first_derivative_matches_closed_form(unary, name):
    func, _, lo, hi = FUNCS[name]
    unary.check_first_derivative(func, DERIVATIVES[name], lo, hi, atol=1e-6)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_zero_dim_input_gives_zero_dim_array(unary, name):
    func, ref, _, _ = FUNCS[name]
    unary.check_zero_dim_input(func, ref, 0.5)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(unary, name, data):
    func, _, lo, hi = FUNCS[name]
    unary.check_gradients(data, func, lo, hi)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(unary, name):
    unary.check_integer_input_is_rejected(FUNCS[name][0], name)


def test_arctan2_forward_covers_all_quadrants():
    x1 = np.array([1, 1, -1, -1, 0], np.float32)
    x2 = np.array([1, -1, -1, 1, -2], np.float32)
    y = arctan2(x1, x2)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, [np.pi / 4, 3 * np.pi / 4, -3 * np.pi / 4, -np.pi / 4, np.pi], rtol=1e-6)


def test_arctan2_gradients_sum_over_broadcast_axes():
    x1 = kusari.Variable(np.array([[1.0, 2.0], [3.0, -1.0]], np.float32))
    x2 = kusari.Variable(np.array([2.0, -0.5], np.float32))
    y = arctan2(x1, x2)
    y.grad = np.ones((2, 2), np.float32)
    y.backward()
    r2 = x1.array ** 2 + x2.array ** 2
    np.testing.assert_allclose(x1.grad, x2.array / r2, rtol=1e-6)
    np.testing.assert_allclose(x2.grad, (-x1.array / r2).sum(0), rtol=1e-6)
    assert x2.grad.shape == (2,) and x2.grad.dtype == np.float32


def _arctan2_point():
    # Keep away from the origin, where arctan2 is not differentiable.
    return kst.broadcastable_pairs().flatmap(lambda shapes: st.tuples(
        kst.arrays(shape=shapes[0], lo=0.5, hi=2.0), kst.arrays(shape=shapes[1], lo=-2.0, hi=2.0),
        kst.arrays(shape=np.broadcast_shapes(*shapes)), kst.arrays(shape=shapes[0]), kst.arrays(shape=shapes[1])))


@given(_arctan2_point())
def test_arctan2_gradients(point):
    x1, x2, gy, gg1, gg2 = point
    check_backward(arctan2, (x1, x2), gy)
    check_double_backward(arctan2, (x1, x2), gy, (gg1, gg2))


def test_arctan2_input_errors(binary):
    binary.check_broadcasting_input_errors(arctan2, "arctan2", "x1", "x2")
