"""gumbel_softmax: softmax((log_pi + Gumbel noise) / tau)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.noise.gumbel_softmax import gumbel_softmax
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@given(kst.shapes(min_dims=1, max_dims=3).flatmap(
    lambda s: st.tuples(kst.arrays(shape=s), st.integers(-len(s), len(s) - 1), st.floats(0.2, 2.0))))
def test_forward_matches_numpy_for_the_same_seed(args):
    log_pi, axis, tau = args
    np.random.seed(3)
    y = gumbel_softmax(log_pi, tau, axis)
    np.random.seed(3)
    g = np.random.gumbel(size=log_pi.shape)
    np.testing.assert_allclose(y.array, _softmax((log_pi + g) / tau, axis), rtol=1e-10, atol=1e-12)


def test_default_tau_and_axis_and_float32():
    log_pi = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], np.float32))
    np.random.seed(1)
    y = gumbel_softmax(log_pi)
    np.random.seed(1)
    g = np.random.gumbel(size=(2, 3)).astype(np.float32)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _softmax((log_pi + g) / 0.1, 1), rtol=1e-5, atol=1e-6)


def test_argmax_of_samples_follows_the_categorical_distribution():
    # Gumbel-max: argmax(log_pi + g) ~ Categorical(pi); the softmax keeps the argmax.
    np.random.seed(0)
    p = np.array([0.1, 0.2, 0.3, 0.4])
    n = 40_000
    log_pi = np.tile(np.log(p), (n, 1))
    with kusari.using_config("train", False):   # samples in test mode too
        y = gumbel_softmax(log_pi, tau=0.5).array
    freq = np.bincount(y.argmax(axis=1), minlength=4) / n
    assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / n))
    np.testing.assert_allclose(y.sum(axis=1), 1.0)


def test_zero_dimensional_input_gives_one():
    y = gumbel_softmax(np.array(0.3, np.float32))
    assert y.shape == () and y.dtype == np.float32 and float(y.array) == 1.0


@given(kst.shapes(min_dims=2, max_dims=3).flatmap(lambda s: kst.arrays(shape=s, lo=-1, hi=1)))
def test_backward(noise, log_pi):
    gy = np.random.standard_normal(log_pi.shape)
    check_backward(noise.with_fixed_noise(lambda x: gumbel_softmax(x, 0.7)), log_pi, gy)


@given(kst.shapes(min_dims=2, max_dims=2).flatmap(lambda s: kst.arrays(shape=s, lo=-1, hi=1)))
def test_double_backward(noise, log_pi):
    gy, ggx = np.random.standard_normal(log_pi.shape), np.random.standard_normal(log_pi.shape)
    check_double_backward(noise.with_fixed_noise(lambda x: gumbel_softmax(x, 0.7)), log_pi, gy, ggx)


def test_errors():
    with pytest.raises(InvalidType, match=r"gumbel_softmax: argument 'log_pi' expected a floating-point dtype"):
        gumbel_softmax(np.zeros((2, 3), np.int32))
    with pytest.raises(InvalidType, match=r"gumbel_softmax: argument 'axis' expected an int in \[-2, 2\), got 2"):
        gumbel_softmax(np.zeros((2, 3), np.float32), axis=2)
