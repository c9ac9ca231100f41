"""exp, log, log2, log10."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F

FUNCS = {
    "exp": (F.exp, np.exp, -2.0, 2.0),
    "log": (F.log, np.log, 0.3, 3.0),
    "log2": (F.log2, np.log2, 0.3, 3.0),
    "log10": (F.log10, np.log10, 0.3, 3.0),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_forward_matches_numpy_and_keeps_float32(unary, name):
    func, ref, lo, hi = FUNCS[name]
    unary.check_float32_forward(func, ref, lo, hi, seed=3, atol=0.0)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_zero_dim_input_gives_zero_dim_array(unary, name):
    func, ref, _, _ = FUNCS[name]
    unary.check_zero_dim_input(func, ref, 2.0)


def test_log_gradient_is_reciprocal():
    x = kusari.Variable(np.array([0.5, 2.0, 4.0], np.float32))
    F.sum(F.log2(x)).backward()
    np.testing.assert_allclose(x.grad, 1 / (np.array([0.5, 2.0, 4.0]) * np.log(2)), rtol=1e-6)
    assert x.grad.dtype == np.float32


@given(data=st.data())
def test_exp_gradients(unary, data):
    unary.check_gradients(data, F.exp, -2.0, 2.0)


@pytest.mark.parametrize("name", ["log", "log2", "log10"])
@given(data=st.data())
def test_log_gradients(unary, name, data):
    unary.check_gradients(data, FUNCS[name][0], 0.3, 3.0)  # away from the pole at 0


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(unary, name):
    unary.check_integer_input_is_rejected(FUNCS[name][0], name)
