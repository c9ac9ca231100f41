"""gaussian: mean + exp(ln_var / 2) * eps."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.noise.gaussian import gaussian
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _mean_lnvar_eps(draw):
    shape = draw(kst.shapes(max_dims=3))
    return tuple(draw(kst.arrays(shape=shape, lo=-1.5, hi=1.5)) for _ in range(3))


@given(_mean_lnvar_eps())
def test_forward_with_given_eps_matches_numpy(args):
    mean, ln_var, eps = args
    y = gaussian(mean, ln_var, eps=eps)
    expected = mean + np.sqrt(np.exp(ln_var)) * eps
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


def test_draws_eps_from_the_numpy_global_rng():
    mean = np.arange(6, dtype=np.float32).reshape(2, 3)
    ln_var = np.full((2, 3), -1.0, np.float32)
    np.random.seed(7)
    y, eps = gaussian(mean, ln_var, return_eps=True)
    np.random.seed(7)
    expected_eps = np.random.standard_normal((2, 3)).astype(np.float32)
    np.testing.assert_array_equal(eps, expected_eps)
    np.testing.assert_allclose(y.array, mean + np.exp(np.float32(-0.5)) * expected_eps, rtol=1e-6, atol=1e-6)
    # The returned eps repeats the sample.
    np.testing.assert_array_equal(gaussian(mean, ln_var, eps=eps).array, y.array)


@pytest.mark.parametrize("train", [True, False])
def test_samples_have_the_requested_moments_whatever_config_train(train):
    # Chainer's gaussian samples in test mode as well.
    np.random.seed(0)
    n = 200_000
    mean = np.full(n, 1.5, np.float32)
    ln_var = np.full(n, np.log(0.25), np.float32)   # standard deviation 0.5
    with kusari.using_config("train", train):
        z = gaussian(mean, ln_var).array
    # 5 standard errors of the sample mean / standard deviation.
    assert abs(z.mean() - 1.5) < 5 * 0.5 / np.sqrt(n)
    assert abs(z.std() - 0.5) < 5 * 0.5 / np.sqrt(2 * n)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    mean = kusari.Variable(np.zeros((2, 3), dtype))
    ln_var = kusari.Variable(np.zeros((2, 3), dtype))
    y, eps = gaussian(mean, ln_var, return_eps=True)
    y.grad = np.ones((2, 3), dtype)
    y.backward()
    assert y.dtype == eps.dtype == mean.grad.dtype == ln_var.grad.dtype == dtype


def test_gradients_match_the_formulas():
    rng = np.random.default_rng(0)
    mean = kusari.Variable(rng.standard_normal((3, 2)))
    ln_var = kusari.Variable(rng.standard_normal((3, 2)))
    eps = rng.standard_normal((3, 2))
    gy = rng.standard_normal((3, 2))
    y = gaussian(mean, ln_var, eps=eps)
    y.grad = gy
    y.backward()
    np.testing.assert_allclose(mean.grad, gy)
    np.testing.assert_allclose(ln_var.grad, gy * 0.5 * np.exp(ln_var.array / 2) * eps)


@given(_mean_lnvar_eps())
def test_backward(args):
    mean, ln_var, eps = args
    gy = np.random.standard_normal(mean.shape)
    check_backward(lambda m, v: gaussian(m, v, eps=eps), (mean, ln_var), gy)


@given(_mean_lnvar_eps())
def test_double_backward(args):
    mean, ln_var, eps = args
    gy, ggm, ggv = (np.random.standard_normal(mean.shape) for _ in range(3))
    check_double_backward(lambda m, v: gaussian(m, v, eps=eps), (mean, ln_var), gy, (ggm, ggv))


def test_errors():
    f32 = np.zeros((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"gaussian: argument 'mean' expected a floating-point dtype"):
        gaussian(np.zeros((2, 3), np.int32), f32)
    with pytest.raises(InvalidType, match=r"gaussian: argument 'ln_var' expected dtype float32 .*got float64"):
        gaussian(f32, np.zeros((2, 3)))
    with pytest.raises(InvalidType, match=r"gaussian: argument 'ln_var' expected shape \(2, 3\).*got \(3, 2\)"):
        gaussian(f32, np.zeros((3, 2), np.float32))
    with pytest.raises(InvalidType, match=r"gaussian: argument 'eps' expected shape \(2, 3\).*got \(3,\)"):
        gaussian(f32, f32, eps=np.zeros(3, np.float32))
    with pytest.raises(InvalidType, match=r"gaussian: argument 'eps' expected dtype float32 .*got float64"):
        gaussian(f32, f32, eps=np.zeros((2, 3)))
