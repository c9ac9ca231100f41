"""erf, erfc, erfinv."""
import math
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.erf import erf, erfc, erfinv

FUNCS = {"erf": (erf, -2.0, 2.0), "erfc": (erfc, -2.0, 2.0), "erfinv": (erfinv, -0.8, 0.8)}


def _vectorised(scalar_func, x):
    return np.array([scalar_func(float(v)) for v in x.ravel()]).reshape(x.shape)


@pytest.mark.parametrize("name,ref", [("erf", math.erf), ("erfc", math.erfc)])
def test_forward_matches_math_module_and_keeps_float32(name, ref):
    x = np.random.default_rng(7).uniform(-3, 3, (3, 4)).astype(np.float32)
    y = FUNCS[name][0](kusari.Variable(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _vectorised(ref, x), rtol=1e-6, atol=1e-7)


def test_erfc_keeps_precision_in_the_tail():
    # 1 - erf(x) is 0 in float32 here.
    x = np.array([4.0, 6.0], np.float32)
    np.testing.assert_allclose(erfc(x).array, _vectorised(math.erfc, x), rtol=1e-5)


def test_erfinv_inverts_erf():
    x = np.linspace(-0.99, 0.99, 11).astype(np.float32)
    y = erfinv(kusari.Variable(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(_vectorised(math.erf, y.array), x, rtol=1e-5, atol=1e-6)


def test_erfinv_is_infinite_at_the_ends():
    np.testing.assert_array_equal(erfinv(np.array([-1.0, 1.0], np.float32)).array, [-np.inf, np.inf])


def test_first_derivatives_match_closed_forms():
    x = kusari.Variable(np.linspace(-0.9, 0.9, 7))
    density = 2 / np.sqrt(np.pi) * np.exp(-x.array ** 2)
    for func, expected in [(erf, density), (erfc, -density)]:
        x.cleargrad()
        y = func(x)
        y.grad = np.ones(7)
        y.backward()
        np.testing.assert_allclose(x.grad, expected, rtol=1e-10)
    x.cleargrad()
    y = erfinv(x)
    y.grad = np.ones(7)
    y.backward()
    np.testing.assert_allclose(x.grad, np.sqrt(np.pi) / 2 * np.exp(y.array ** 2), rtol=1e-10)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(unary, name, data):
    func, lo, hi = FUNCS[name]
    unary.check_gradients(data, func, lo, hi)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(unary, name):
    unary.check_integer_input_is_rejected(FUNCS[name][0], name)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_missing_scipy_says_what_to_install(name, monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.special", None)  # makes the import fail
    with pytest.raises(ImportError, match=rf"^{name} needs SciPy on the CPU: pip install scipy$"):
        FUNCS[name][0](np.zeros(2, np.float32))
