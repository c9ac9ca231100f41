"""group_normalization: forward against NumPy, gradients, dtypes, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.normalization.group_normalization import group_normalization
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, groups, gamma, beta, eps):
    out = np.empty_like(x)
    per_group = x.shape[1] // groups
    for i in range(x.shape[0]):
        for g in range(groups):
            block = x[i, g * per_group:(g + 1) * per_group]
            mu = block.mean()
            var = ((block - mu) ** 2).mean()
            out[i, g * per_group:(g + 1) * per_group] = (block - mu) / np.sqrt(var + eps)
    for c in range(x.shape[1]):
        out[:, c] = out[:, c] * gamma[c] + beta[c]
    return out


@st.composite
def _cases(draw, grad_arrays=1):
    groups = draw(st.integers(1, 3))
    channels = groups * draw(st.integers(1, 2))
    shape = (draw(st.integers(1, 3)), channels) + draw(kst.shapes(min_dims=0, max_dims=2, max_side=3))
    x = draw(kst.arrays(shape=shape))
    gamma = draw(kst.arrays(shape=(channels,)))
    beta = draw(kst.arrays(shape=(channels,)))
    grads = [draw(kst.arrays(shape=shape, lo=-1, hi=1)) for _ in range(grad_arrays)]
    return groups, x, gamma, beta, grads


@given(_cases(), st.floats(1e-6, 1))
def test_forward_matches_numpy(case, eps):
    groups, x, gamma, beta, _ = case
    np.testing.assert_allclose(group_normalization(x, groups, gamma, beta, eps).array,
                               _reference(x, groups, gamma, beta, eps), rtol=1e-10, atol=1e-10)


@given(_cases(), st.floats(0.05, 1))
def test_gradient(case, eps):
    groups, x, gamma, beta, (gy,) = case
    check_backward(lambda *a: group_normalization(a[0], groups, a[1], a[2], eps), (x, gamma, beta), gy,
                   atol=1e-4, rtol=1e-3)


@given(_cases(grad_arrays=2), st.floats(0.05, 1), st.data())
def test_double_gradient(case, eps, data):
    groups, x, gamma, beta, (gy, ggx) = case
    ggg = data.draw(kst.arrays(shape=gamma.shape, lo=-1, hi=1))
    ggb = data.draw(kst.arrays(shape=gamma.shape, lo=-1, hi=1))
    check_double_backward(lambda *a: group_normalization(a[0], groups, a[1], a[2], eps),
                          (x, gamma, beta), gy, (ggx, ggg, ggb), atol=1e-3, rtol=1e-2)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_of_output_and_gradients(dtype):
    rng = np.random.RandomState(0)
    x = kusari.Variable(rng.randn(2, 4, 3).astype(dtype))
    gamma, beta = kusari.Variable(np.ones(4, dtype)), kusari.Variable(np.zeros(4, dtype))
    y = group_normalization(x, 2, gamma, beta)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype and gamma.grad.dtype == dtype
    np.testing.assert_allclose(beta.grad, [6, 6, 6, 6])


def test_float32_parameters_with_float16_input_give_float16():
    x = np.random.RandomState(1).randn(2, 4).astype(np.float16)
    gamma = kusari.Variable(np.full(4, 2, np.float32))
    y = group_normalization(x, 4 // 2, gamma, np.zeros(4, np.float32))
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == np.float16 and gamma.grad.dtype == np.float32
    ref = _reference(x.astype(np.float64), 2, np.full(4, 2.0), np.zeros(4), 1e-5)
    np.testing.assert_allclose(y.array, ref, atol=1e-2)


def test_one_group_per_channel_is_instance_normalization():
    x = np.random.RandomState(2).randn(2, 3, 5).astype(np.float32)
    y = group_normalization(x, 3, np.ones(3, np.float32), np.zeros(3, np.float32)).array
    np.testing.assert_allclose(y.mean(axis=2), 0, atol=1e-6)
    np.testing.assert_allclose(y.var(axis=2), 1, atol=1e-3)


def test_errors_name_the_argument():
    f32 = np.float32
    x, gamma, beta = np.ones((2, 6, 2), f32), np.ones(6, f32), np.zeros(6, f32)
    with pytest.raises(InvalidType, match=r"group_normalization: argument 'groups' expected an int, got float"):
        group_normalization(x, 2.0, gamma, beta)
    with pytest.raises(ValueError,
                       match=r"group_normalization: argument 'groups' expected a positive divisor of the "
                             r"number of channels 6, got 4"):
        group_normalization(x, 4, gamma, beta)
    with pytest.raises(ValueError, match=r"divisor of the number of channels 6, got 0"):
        group_normalization(x, 0, gamma, beta)
    with pytest.raises(InvalidType, match=r"group_normalization: argument 'x' expected a floating-point dtype"):
        group_normalization(np.ones((2, 6), np.int32), 2, gamma, beta)
    with pytest.raises(InvalidType, match=r"group_normalization: argument 'x' expected at least 2 dimensions, got 1"):
        group_normalization(np.ones(6, f32), 2, gamma, beta)
    with pytest.raises(InvalidType,
                       match=r"group_normalization: argument 'gamma' expected shape \(6,\) \(x.shape\[1\]\), got \(3,\)"):
        group_normalization(x, 2, np.ones(3, f32), beta)
    with pytest.raises(InvalidType,
                       match=r"group_normalization: argument 'beta' expected shape \(6,\) \(x.shape\[1\]\), got \(5,\)"):
        group_normalization(x, 2, gamma, np.zeros(5, f32))
    with pytest.raises(InvalidType, match=r"group_normalization: argument 'gamma' expected a floating-point dtype"):
        group_normalization(x, 2, np.ones(6, np.int32), beta)
    with pytest.raises(InvalidType, match=r"group_normalization: argument 'beta' expected dtype float32 "
                                          r"\(the dtype of 'gamma'\), got float64"):
        group_normalization(x, 2, gamma, np.zeros(6))
