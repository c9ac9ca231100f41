"""local_response_normalization: forward against NumPy, gradients, dtypes, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.normalization.local_response_normalization import local_response_normalization
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, n, k, alpha, beta):
    out = np.empty_like(x)
    channels = x.shape[1]
    for c in range(channels):
        lo, hi = max(0, c - n // 2), min(channels - 1, c + n // 2)
        window = (x[:, lo:hi + 1] ** 2).sum(axis=1)
        out[:, c] = x[:, c] / (k + alpha * window) ** beta
    return out


_shapes = kst.shapes(min_dims=2, max_dims=3, max_side=4)
_params = st.tuples(st.integers(0, 6), st.floats(0.5, 3), st.floats(0.01, 1), st.floats(0.1, 1.5))


@given(kst.arrays(shape=_shapes, lo=-3, hi=3), _params)
def test_forward_matches_numpy(x, params):
    n, k, alpha, beta = params
    np.testing.assert_allclose(local_response_normalization(x, n, k, alpha, beta).array,
                               _reference(x, n, k, alpha, beta), rtol=1e-12, atol=1e-14)


def test_defaults_are_chainers():
    x = np.random.RandomState(0).randn(2, 7, 3).astype(np.float32) * 30
    y = local_response_normalization(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _reference(x.astype(np.float64), 5, 2, 1e-4, 0.75), rtol=1e-5)


def _triples(data):
    shape = data.draw(_shapes)
    return [data.draw(kst.arrays(shape=shape, lo=-2, hi=2)) for _ in range(3)]


@given(_params, st.data())
def test_gradient(params, data):
    x, gy, _ = _triples(data)
    check_backward(lambda v: local_response_normalization(v, *params), x, gy)


@given(_params, st.data())
def test_double_gradient(params, data):
    x, gy, ggx = _triples(data)
    check_double_backward(lambda v: local_response_normalization(v, *params), x, gy, ggx)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_of_output_and_gradient(dtype):
    x = kusari.Variable(np.array([[1, -2, 3, 0.5]], dtype))
    y = local_response_normalization(x, n=3, k=1, alpha=0.5, beta=0.75)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(y.array, _reference(x.array.astype(np.float64), 3, 1, 0.5, 0.75), rtol=2e-3)


def test_errors_name_the_argument():
    with pytest.raises(InvalidType,
                       match=r"local_response_normalization: argument 'x' expected a floating-point dtype"):
        local_response_normalization(np.ones((2, 3), np.int32))
    with pytest.raises(InvalidType,
                       match=r"local_response_normalization: argument 'x' expected at least 2 dimensions, got 1"):
        local_response_normalization(np.ones(3, np.float32))
    with pytest.raises(InvalidType,
                       match=r"local_response_normalization: argument 'n' expected a non-negative int, got 2.5"):
        local_response_normalization(np.ones((2, 3), np.float32), n=2.5)
    with pytest.raises(InvalidType, match=r"argument 'n' expected a non-negative int, got -1"):
        local_response_normalization(np.ones((2, 3), np.float32), n=-1)
