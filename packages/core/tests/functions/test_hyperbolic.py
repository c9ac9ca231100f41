"""sinh, cosh, arctanh."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.math.hyperbolic import arctanh, cosh, sinh

# name: (function, reference from exponentials, derivative, domain)
FUNCS = {
    "sinh": (sinh, lambda x: (np.exp(x) - np.exp(-x)) / 2, lambda x: (np.exp(x) + np.exp(-x)) / 2, -3.0, 3.0),
    "cosh": (cosh, lambda x: (np.exp(x) + np.exp(-x)) / 2, lambda x: (np.exp(x) - np.exp(-x)) / 2, -3.0, 3.0),
    "arctanh": (arctanh, lambda x: 0.5 * np.log((1 + x) / (1 - x)), lambda x: 1 / (1 - x * x), -0.8, 0.8),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_forward_matches_reference_and_keeps_float32(unary, name):
    func, ref, _, lo, hi = FUNCS[name]
    unary.check_float32_forward(func, ref, lo, hi, seed=1)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_first_derivative_matches_closed_form(unary, name):
    func, _, deriv, lo, hi = FUNCS[name]
    unary.check_first_derivative(func, deriv, lo, hi, gy=2.0, atol=1e-6)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(unary, name, data):
    func, _, _, lo, hi = FUNCS[name]
    unary.check_gradients(data, func, lo, hi)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(unary, name):
    unary.check_integer_input_is_rejected(FUNCS[name][0], name)
