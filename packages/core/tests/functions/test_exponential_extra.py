"""expm1, log1p."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.math.exponential_extra import expm1, log1p

# name: (function, float64 reference, derivative, domain; log1p kept above its pole at -1)
FUNCS = {
    "expm1": (expm1, lambda x: np.exp(x) - 1, np.exp, -2.0, 2.0),
    "log1p": (log1p, lambda x: np.log(1 + x), lambda x: 1 / (1 + x), -0.7, 3.0),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_forward_matches_reference_and_keeps_float32(unary, name):
    func, ref, _, lo, hi = FUNCS[name]
    unary.check_float32_forward(func, ref, lo, hi, seed=2)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_tiny_inputs_keep_full_relative_precision(name):
    # exp(x) - 1 and log(1 + x) in float32 would both give 0 here.
    x = np.array([1e-10, -3e-9], np.float32)
    np.testing.assert_allclose(FUNCS[name][0](x).array, x, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_first_derivative_matches_closed_form(unary, name):
    func, _, deriv, lo, hi = FUNCS[name]
    unary.check_first_derivative(func, deriv, lo, hi)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(unary, name, data):
    func, _, _, lo, hi = FUNCS[name]
    unary.check_gradients(data, func, lo, hi)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(unary, name):
    unary.check_integer_input_is_rejected(FUNCS[name][0], name, np.int64)
