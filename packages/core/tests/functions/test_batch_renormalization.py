"""batch_renormalization."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.normalization.batch_renormalization import batch_renormalization
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, gamma, beta, rm, rv, rmax, dmax, eps):
    """Channel axis 1 (1-D gamma); loops over channels."""
    y = np.empty(x.shape)
    for c in range(x.shape[1]):
        v = x[:, c].astype(np.float64)
        mu, std = v.mean(), np.sqrt(v.var() + eps)
        running_std = np.sqrt(rv[c] + eps)
        r = min(max(std / running_std, 1 / rmax), rmax)
        d = min(max((mu - rm[c]) / running_std, -dmax), dmax)
        y[:, c] = gamma[c] * ((v - mu) / std * r + d) + beta[c]
    return y


@pytest.mark.parametrize("rmax, dmax", [(1, 0), (1.5, 0.3), (100, 100)])
def test_forward_and_statistics_match_numpy(rmax, dmax):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((4, 3, 2)) * 2 + 1).astype(np.float32)
    gamma = rng.uniform(0.5, 2, 3).astype(np.float32)
    beta = rng.standard_normal(3).astype(np.float32)
    rm = np.array([0, 1, 5], np.float32)
    rv = np.array([0.5, 4, 9], np.float32)
    expected = _reference(x, gamma, beta, rm, rv, rmax, dmax, 2e-5)
    old_rm, old_rv = rm.copy(), rv.copy()
    y = batch_renormalization(x, gamma, beta, rmax, dmax, running_mean=rm, running_var=rv)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(rm, old_rm)      # update_statistics=False by default
    batch_renormalization(x, gamma, beta, rmax, dmax, running_mean=rm, running_var=rv, decay=0.8,
                          update_statistics=True)
    per_channel = x.transpose(1, 0, 2).reshape(3, -1).astype(np.float64)
    np.testing.assert_allclose(rm, 0.8 * old_rm + 0.2 * per_channel.mean(1), rtol=1e-5)
    np.testing.assert_allclose(rv, 0.8 * old_rv + 0.2 * per_channel.var(1, ddof=1), rtol=1e-5)


def test_gradient_treats_r_and_d_as_constants():
    rng = np.random.default_rng(1)
    x = kusari.Variable(rng.standard_normal((5, 2)))
    gamma = kusari.Variable(np.array([1.5, 0.5]))
    beta = kusari.Variable(np.zeros(2))
    rm, rv = np.array([0.3, -0.2]), np.array([0.8, 1.3])
    y = batch_renormalization(x, gamma, beta, 1.2, 0.1, running_mean=rm, running_var=rv)
    gy = rng.standard_normal((5, 2))
    y.grad = gy
    y.backward()
    std = np.sqrt(x.array.var(0) + 2e-5)
    r = np.clip(std / np.sqrt(rv + 2e-5), 1 / 1.2, 1.2)
    d = np.clip((x.array.mean(0) - rm) / np.sqrt(rv + 2e-5), -0.1, 0.1)
    x_hat = (x.array - x.array.mean(0)) / std
    np.testing.assert_allclose(gamma.grad, (gy * (x_hat * r + d)).sum(0))
    np.testing.assert_allclose(beta.grad, gy.sum(0))
    gx = gamma.array * r / std * (gy - gy.mean(0) - x_hat * (gy * x_hat).mean(0))
    np.testing.assert_allclose(x.grad, gx, rtol=1e-10)


@st.composite
def _problem(draw):
    """Running statistics far from the batch ones, so r and d sit at their clip bounds.

    Only there do finite differences see constant r and d, which is what the
    analytic gradient assumes.
    """
    shape = draw(st.sampled_from([(3, 2), (2, 2, 3), (2, 1, 2, 2)]))
    x = draw(kst.arrays(shape=shape, lo=-1, hi=1))
    gamma = draw(kst.arrays(shape=(shape[1],), lo=0.5, hi=2))
    beta = draw(kst.arrays(shape=(shape[1],)))
    rmax, dmax = draw(st.sampled_from([(1, 0), (2, 0.5)]))
    rv = np.full(shape[1], 100.0)           # std / running_std < 0.1: r = 1/rmax
    rm = np.full(shape[1], draw(st.sampled_from([-50.0, 50.0])))   # |d| >= 4: d = +-dmax
    return x, gamma, beta, rm, rv, rmax, dmax


@given(_problem(), st.data())
def test_gradients(problem, data):
    x, gamma, beta, rm, rv, rmax, dmax = problem
    func = lambda x, g, b: batch_renormalization(x, g, b, rmax, dmax, eps=0.5, running_mean=rm, running_var=rv)
    inputs = (x, gamma, beta)
    gy = data.draw(kst.arrays(shape=x.shape))
    ggs = tuple(data.draw(kst.arrays(shape=a.shape)) for a in inputs)
    check_backward(func, inputs, gy, atol=1e-4, rtol=1e-3)
    check_double_backward(func, inputs, gy, ggs, atol=1e-3, rtol=1e-2)


def test_float16_input():
    x = np.array([[0, 1], [2, 3]], np.float16)
    one = np.ones(2, np.float16)
    y = batch_renormalization(x, one, one * 0, 1, 0, running_mean=one * 0, running_var=one.copy())
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.array, [[-1, -1], [1, 1]], atol=1e-3)


def test_messages():
    x = np.ones((2, 3), np.float32)
    one = np.ones(3, np.float32)
    with pytest.raises(InvalidType, match=r"^batch_renormalization: argument 'running_mean' expected an array \(it "
                                          r"is required\), got None$"):
        batch_renormalization(x, one, one, 1, 0)
    with pytest.raises(InvalidType, match=r"^batch_renormalization: argument 'gamma' expected shape x.shape\[1:2\] = "
                                          r"\(3,\) \(x has shape \(2, 3\)\), got \(2,\)$"):
        batch_renormalization(x, one[:2], one[:2], 1, 0, running_mean=one[:2], running_var=one[:2])
    with pytest.raises(InvalidType, match=r"^batch_renormalization: argument 'running_var' expected shape \(3,\) "
                                          r"\(the shape of 'gamma'\), got \(1,\)$"):
        batch_renormalization(x, one, one, 1, 0, running_mean=one, running_var=one[:1])
    with pytest.raises(InvalidType, match=r"^batch_renormalization: argument 'rmax' expected a number >= 1, "
                                          r"got 0.5$"):
        batch_renormalization(x, one, one, 0.5, 0, running_mean=one, running_var=one)
    with pytest.raises(InvalidType, match=r"^batch_renormalization: argument 'dmax' expected a number >= 0, "
                                          r"got -1$"):
        batch_renormalization(x, one, one, 1, -1, running_mean=one, running_var=one)
    with pytest.raises(InvalidType, match=r"^batch_renormalization: argument 'beta' expected dtype float32 "
                                          r"\(the dtype of 'gamma'\), got float64$"):
        batch_renormalization(x, one, np.ones(3), 1, 0, running_mean=one, running_var=one)
