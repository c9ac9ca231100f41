"""lgamma, digamma."""
import math
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.gamma import digamma, lgamma
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

FUNCS = {"lgamma": lgamma, "digamma": digamma}


def _lgamma64(x):
    return np.array([math.lgamma(float(v)) for v in np.ravel(x)]).reshape(np.shape(x))


def _digamma_reference(x):
    # Central difference of math.lgamma in float64: independent of SciPy, error ~1e-9.
    h = 1e-5
    return (_lgamma64(x + h) - _lgamma64(x - h)) / (2 * h)


def test_lgamma_matches_math_module_and_keeps_float32():
    # Negative non-integers too: lgamma is log|Gamma|.
    x = np.array([[0.1, 0.5, 1.0, 2.5], [7.0, 30.0, -0.5, -2.5]], np.float32)
    y = lgamma(kusari.Variable(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _lgamma64(x), rtol=1e-6, atol=1e-6)


def test_digamma_matches_the_derivative_of_lgamma_and_keeps_float32():
    x = np.array([[0.3, 1.0, 2.5], [7.0, -0.5, -2.5]], np.float32)
    y = digamma(kusari.Variable(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _digamma_reference(x.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_digamma_recurrence_and_known_value():
    x = np.linspace(0.5, 5, 10)
    np.testing.assert_allclose(digamma(x + 1).array - digamma(x).array, 1 / x, rtol=1e-12)
    np.testing.assert_allclose(digamma(np.array(1.0)).array, -0.5772156649015329, rtol=1e-14)


def test_gradients_are_the_next_polygamma():
    x = kusari.Variable(np.linspace(0.5, 4, 6))
    y = lgamma(x)
    y.grad = np.ones(6)
    y.backward()
    np.testing.assert_allclose(x.grad, _digamma_reference(x.array), rtol=1e-7)
    x.cleargrad()
    y = digamma(x)
    y.grad = np.ones(6)
    y.backward()
    # trigamma(x) = sum_k 1 / (x + k)^2; the tail after K terms is about 1 / (x + K).
    k = np.arange(200000)[:, None]
    trigamma = (1 / (x.array + k) ** 2).sum(0) + 1 / (x.array + 200000)
    np.testing.assert_allclose(x.grad, trigamma, rtol=1e-8)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(name, data):
    x, gy, ggx = data.draw(kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=0.5, hi=4.0), kst.arrays(shape=s), kst.arrays(shape=s))))
    check_backward(FUNCS[name], x, gy)
    check_double_backward(FUNCS[name], x, gy, ggx)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a floating-point dtype .*, got int32$"):
        FUNCS[name](np.ones(3, np.int32))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_missing_scipy_says_what_to_install(name, monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.special", None)  # makes the import fail
    with pytest.raises(ImportError, match=rf"^{name} needs SciPy on the CPU: pip install scipy$"):
        FUNCS[name](np.ones(2, np.float32))
