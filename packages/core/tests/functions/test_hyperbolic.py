"""sinh, cosh, arctanh."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.hyperbolic import arctanh, cosh, sinh
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

# name: (function, reference from exponentials, derivative, domain)
FUNCS = {
    "sinh": (sinh, lambda x: (np.exp(x) - np.exp(-x)) / 2, lambda x: (np.exp(x) + np.exp(-x)) / 2, -3.0, 3.0),
    "cosh": (cosh, lambda x: (np.exp(x) + np.exp(-x)) / 2, lambda x: (np.exp(x) - np.exp(-x)) / 2, -3.0, 3.0),
    "arctanh": (arctanh, lambda x: 0.5 * np.log((1 + x) / (1 - x)), lambda x: 1 / (1 - x * x), -0.8, 0.8),
}


def _point(lo, hi):
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=lo, hi=hi), kst.arrays(shape=s), kst.arrays(shape=s)))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_forward_matches_reference_and_keeps_float32(name):
    func, ref, _, lo, hi = FUNCS[name]
    x = np.random.default_rng(1).uniform(lo, hi, (3, 4)).astype(np.float32)
    y = func(kusari.Variable(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, ref(x.astype(np.float64)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_first_derivative_matches_closed_form(name):
    func, _, deriv, lo, hi = FUNCS[name]
    x = kusari.Variable(np.linspace(lo, hi, 7, dtype=np.float32))
    y = func(x)
    y.grad = np.full(7, 2.0, np.float32)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, 2 * deriv(x.array.astype(np.float64)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(name, data):
    func, _, _, lo, hi = FUNCS[name]
    x, gy, ggx = data.draw(_point(lo, hi))
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a floating-point dtype .*, got int32$"):
        FUNCS[name][0](np.ones(3, np.int32))
