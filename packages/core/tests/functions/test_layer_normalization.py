"""layer_normalization: forward against NumPy, gradients, dtypes, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.normalization.layer_normalization import layer_normalization
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, gamma, beta, eps):
    out = np.empty_like(x)
    for i, row in enumerate(x):
        mu = row.sum() / row.size
        var = ((row - mu) ** 2).sum() / row.size
        out[i] = (row - mu) / np.sqrt(var + eps) * gamma + beta
    return out


def _args(draw_data, n, units):
    x = draw_data.draw(kst.arrays(shape=(n, units)))
    gamma = draw_data.draw(kst.arrays(shape=(units,)))
    beta = draw_data.draw(kst.arrays(shape=(units,)))
    gy = draw_data.draw(kst.arrays(shape=(n, units), lo=-1, hi=1))
    return x, gamma, beta, gy


@given(st.integers(1, 4), st.integers(1, 4), st.floats(1e-6, 1), st.data())
def test_forward_matches_numpy(n, units, eps, data):
    x, gamma, beta, _ = _args(data, n, units)
    np.testing.assert_allclose(layer_normalization(x, gamma, beta, eps).array,
                               _reference(x, gamma, beta, eps), rtol=1e-10, atol=1e-10)


def test_default_eps_is_1e_5_and_float32_stays_float32():
    x = np.array([[1, 1, 1, 1.002]], np.float32)   # variance 7.5e-7: eps matters
    gamma, beta = np.ones(4, np.float32), np.zeros(4, np.float32)
    y = layer_normalization(x, gamma, beta)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _reference(x.astype(np.float64), 1.0, 0.0, 1e-5), rtol=1e-3)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_of_output_and_gradients(dtype):
    x = kusari.Variable(np.array([[1, 2, 4], [0, -1, 3]], dtype))
    gamma = kusari.Variable(np.array([1, 2, 3], dtype))
    beta = kusari.Variable(np.zeros(3, dtype))
    y = layer_normalization(x, gamma, beta)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype and gamma.grad.dtype == dtype
    np.testing.assert_allclose(beta.grad, [2, 2, 2])


@given(st.integers(1, 4), st.integers(1, 4), st.floats(0.05, 1), st.data())
def test_gradient(n, units, eps, data):
    x, gamma, beta, gy = _args(data, n, units)
    check_backward(lambda *a: layer_normalization(*a, eps=eps), (x, gamma, beta), gy,
                   atol=1e-4, rtol=1e-3)


@given(st.integers(1, 3), st.integers(1, 4), st.floats(0.05, 1), st.data())
def test_double_gradient(n, units, eps, data):
    x, gamma, beta, gy = _args(data, n, units)
    ggx = data.draw(kst.arrays(shape=(n, units), lo=-1, hi=1))
    ggg = data.draw(kst.arrays(shape=(units,), lo=-1, hi=1))
    ggb = data.draw(kst.arrays(shape=(units,), lo=-1, hi=1))
    check_double_backward(lambda *a: layer_normalization(*a, eps=eps), (x, gamma, beta), gy,
                          (ggx, ggg, ggb), atol=1e-3, rtol=1e-2)


def test_errors_name_the_argument():
    f32 = np.float32
    gamma, beta = np.ones(3, f32), np.zeros(3, f32)
    with pytest.raises(InvalidType, match=r"layer_normalization: argument 'x' expected a floating-point dtype"):
        layer_normalization(np.ones((2, 3), np.int32), gamma, beta)
    with pytest.raises(InvalidType, match=r"layer_normalization: argument 'x' expected 2 dimensions, got 3"):
        layer_normalization(np.ones((2, 3, 1), f32), gamma, beta)
    with pytest.raises(InvalidType,
                       match=r"layer_normalization: argument 'gamma' expected shape \(3,\) \(x.shape\[1\]\), got \(4,\)"):
        layer_normalization(np.ones((2, 3), f32), np.ones(4, f32), beta)
    with pytest.raises(InvalidType,
                       match=r"layer_normalization: argument 'beta' expected shape \(3,\) \(x.shape\[1\]\), got \(3, 1\)"):
        layer_normalization(np.ones((2, 3), f32), gamma, np.zeros((3, 1), f32))
    with pytest.raises(InvalidType, match=r"layer_normalization: argument 'gamma' expected dtype float32"):
        layer_normalization(np.ones((2, 3), f32), np.ones(3), beta)
    with pytest.raises(InvalidType, match=r"layer_normalization: argument 'beta' expected dtype float32"):
        layer_normalization(np.ones((2, 3), f32), gamma, np.zeros(3))
