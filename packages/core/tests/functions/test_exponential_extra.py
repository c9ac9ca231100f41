"""expm1, log1p."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.exponential_extra import expm1, log1p
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

# name: (function, float64 reference, derivative, domain; log1p kept above its pole at -1)
FUNCS = {
    "expm1": (expm1, lambda x: np.exp(x) - 1, np.exp, -2.0, 2.0),
    "log1p": (log1p, lambda x: np.log(1 + x), lambda x: 1 / (1 + x), -0.7, 3.0),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_forward_matches_reference_and_keeps_float32(name):
    func, ref, _, lo, hi = FUNCS[name]
    x = np.random.default_rng(2).uniform(lo, hi, (3, 4)).astype(np.float32)
    y = func(kusari.Variable(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, ref(x.astype(np.float64)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_tiny_inputs_keep_full_relative_precision(name):
    # exp(x) - 1 and log(1 + x) in float32 would both give 0 here.
    x = np.array([1e-10, -3e-9], np.float32)
    np.testing.assert_allclose(FUNCS[name][0](x).array, x, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_first_derivative_matches_closed_form(name):
    func, _, deriv, lo, hi = FUNCS[name]
    x = kusari.Variable(np.linspace(lo, hi, 7, dtype=np.float32))
    y = func(x)
    y.grad = np.ones(7, np.float32)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, deriv(x.array.astype(np.float64)), rtol=1e-5)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(name, data):
    func, _, _, lo, hi = FUNCS[name]
    x, gy, ggx = data.draw(kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=lo, hi=hi), kst.arrays(shape=s), kst.arrays(shape=s))))
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a floating-point dtype .*, got int64$"):
        FUNCS[name][0](np.ones(3, np.int64))
