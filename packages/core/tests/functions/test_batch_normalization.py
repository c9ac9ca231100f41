"""batch_normalization and fixed_batch_normalization."""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.sum import sum as fsum
from kusari.functions.normalization.batch_normalization import batch_normalization, fixed_batch_normalization
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, gamma, beta, axes, eps):
    """Per-channel loop: move the key axes to the front, normalize each channel's values."""
    key = [i for i in range(x.ndim) if i not in axes]
    xt = np.transpose(x, key + list(axes)).astype(np.float64)
    flat = xt.reshape(int(np.prod(gamma.shape)), -1)
    out = np.empty_like(flat)
    for c, (g, b) in enumerate(zip(gamma.ravel(), beta.ravel(), strict=True)):
        v = flat[c]
        mu = sum(v) / len(v)
        var = sum((e - mu) ** 2 for e in v) / len(v)
        out[c] = g * (v - mu) / np.sqrt(var + eps) + b
    return np.transpose(out.reshape(xt.shape), np.argsort(key + list(axes)))


# (x shape, gamma shape, axis argument, reduction axes)
_CASES = [((3, 4, 2, 2), (4,), None, (0, 2, 3)),
          ((5, 3), (3,), None, (0,)),
          ((2, 3, 4), (3, 4), None, (0,)),
          ((3, 2, 4), (2,), (0, 2), (0, 2)),
          ((3, 2, 4), (3, 2), 2, (2,)),
          ((3, 2, 4), (2, 4), (-3,), (0,))]


@pytest.mark.parametrize("x_shape, g_shape, axis, axes", _CASES)
def test_forward_matches_numpy(x_shape, g_shape, axis, axes):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(x_shape) * 3 + 100).astype(np.float32)   # large mean: no cancellation allowed
    gamma = rng.uniform(0.5, 2, g_shape).astype(np.float32)
    beta = rng.standard_normal(g_shape).astype(np.float32)
    y = batch_normalization(x, gamma, beta, axis=axis)
    assert y.dtype == np.float32 and y.shape == x_shape
    # atol: the float32 batch mean of values near 100 is off by up to half an ulp (4e-6), which a
    # channel of two close values magnifies; wrong axes would be off by O(1).
    np.testing.assert_allclose(y.array, _reference(x, gamma, beta, axes, 2e-5), rtol=1e-4, atol=1e-3)


def test_running_statistics_are_updated_in_place_with_unbiased_variance():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3, 2)).astype(np.float32)
    rm = np.array([1, 2, 3], np.float32)
    rv = np.array([1, 2, 4], np.float32)
    rm_id, rv_id = id(rm), id(rv)
    batch_normalization(x, np.ones(3, np.float32), np.zeros(3, np.float32), running_mean=rm, running_var=rv,
                        decay=0.7)
    per_channel = x.transpose(1, 0, 2).reshape(3, -1).astype(np.float64)    # m = 8 values per channel
    mean = per_channel.mean(axis=1)
    unbiased = ((per_channel - mean[:, None]) ** 2).sum(axis=1) / 7
    assert id(rm) == rm_id and id(rv) == rv_id and rm.dtype == rv.dtype == np.float32
    np.testing.assert_allclose(rm, 0.7 * np.array([1, 2, 3]) + 0.3 * mean, rtol=1e-5)
    np.testing.assert_allclose(rv, 0.7 * np.array([1, 2, 4]) + 0.3 * unbiased, rtol=1e-5)


def test_float16_is_computed_in_float32_and_kept_as_float16():
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((8, 3)) + 300).astype(np.float16)
    gamma, beta = np.ones(3, np.float16), np.zeros(3, np.float16)
    rm, rv = np.zeros(3, np.float16), np.ones(3, np.float16)
    y = batch_normalization(x, gamma, beta, running_mean=rm, running_var=rv)
    assert y.dtype == np.float16 and rm.dtype == np.float16
    np.testing.assert_allclose(y.array, _reference(x, gamma, beta, (0,), 2e-5), atol=2e-2)
    np.testing.assert_allclose(rm, 0.1 * x.astype(np.float64).mean(axis=0), rtol=2e-3)
    yf = fixed_batch_normalization(x, gamma, beta, np.full(3, 300, np.float16), np.ones(3, np.float16))
    assert yf.dtype == np.float16
    np.testing.assert_allclose(yf.array, (x.astype(np.float64) - 300) / np.sqrt(1 + 2e-5), atol=2e-2)


def test_float64_stays_float64_and_gradients_match_chainer_formula():
    rng = np.random.default_rng(3)
    x = kusari.Variable(rng.standard_normal((5, 2)))
    gamma = kusari.Variable(np.array([1.5, 0.5]))
    beta = kusari.Variable(np.zeros(2))
    y = batch_normalization(x, gamma, beta)
    gy = rng.standard_normal((5, 2))
    y.grad = gy
    y.backward()
    assert y.dtype == x.grad.dtype == gamma.grad.dtype == np.float64
    x_hat = (x.array - x.array.mean(0)) / np.sqrt(x.array.var(0) + 2e-5)
    np.testing.assert_allclose(beta.grad, gy.sum(0))
    np.testing.assert_allclose(gamma.grad, (gy * x_hat).sum(0))
    gx = gamma.array / np.sqrt(x.array.var(0) + 2e-5) * (gy - gy.mean(0) - x_hat * (gy * x_hat).mean(0))
    np.testing.assert_allclose(x.grad, gx, rtol=1e-10)


@st.composite
def _bn_problem(draw):
    """x, gamma, beta, axis with at least two values per channel."""
    kind = draw(st.sampled_from(["4d", "2d", "axis"]))
    if kind == "4d":
        shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), 2, draw(st.integers(1, 2)))
        g_shape, axis = (shape[1],), None
    elif kind == "2d":
        shape = (draw(st.integers(2, 4)), draw(st.integers(1, 3)))
        g_shape, axis = (shape[1],), None
    else:
        shape = (draw(st.integers(1, 3)), draw(st.integers(2, 3)), 2)
        g_shape, axis = (shape[1],), (0, 2)
    x = draw(kst.arrays(shape=shape))
    gamma = draw(kst.arrays(shape=g_shape, lo=0.5, hi=2))
    beta = draw(kst.arrays(shape=g_shape))
    return x, gamma, beta, axis


@given(_bn_problem(), st.data())
def test_batch_normalization_gradients(problem, data):
    x, gamma, beta, axis = problem
    # eps=0.5 keeps the function well conditioned when a channel's values are nearly equal.
    func = lambda x, g, b: batch_normalization(x, g, b, eps=0.5, axis=axis)
    inputs = (x, gamma, beta)
    gy = data.draw(kst.arrays(shape=x.shape))
    ggs = tuple(data.draw(kst.arrays(shape=a.shape)) for a in inputs)
    check_backward(func, inputs, gy, atol=1e-4, rtol=1e-3)
    check_double_backward(func, inputs, gy, ggs, atol=1e-3, rtol=1e-2)


@given(_bn_problem(), st.data())
def test_fixed_batch_normalization_gradients(problem, data):
    x, gamma, beta, axis = problem
    mean = data.draw(kst.arrays(shape=gamma.shape))
    var = data.draw(kst.arrays(shape=gamma.shape, lo=0.5, hi=2))
    func = lambda *args: fixed_batch_normalization(*args, axis=axis)
    inputs = (x, gamma, beta, mean, var)
    gy = data.draw(kst.arrays(shape=x.shape))
    ggs = tuple(data.draw(kst.arrays(shape=a.shape)) for a in inputs)
    check_backward(func, inputs, gy, atol=1e-4, rtol=1e-3)
    check_double_backward(func, inputs, gy, ggs, atol=1e-3, rtol=1e-2)


def test_plain_and_double_backprop_paths_agree():
    rng = np.random.default_rng(4)
    x = kusari.Variable(rng.standard_normal((3, 2, 2)))
    vs = [kusari.Variable(rng.uniform(0.5, 2, 2)) for _ in range(4)]
    gy = rng.standard_normal((3, 2, 2))
    for f, args in ((batch_normalization, vs[:2]), (fixed_batch_normalization, vs)):
        plain = kusari.grad([f(x, *args)], [x] + args, [gy])
        double = kusari.grad([f(x, *args)], [x] + args, [gy], enable_double_backprop=True)
        assert double[0].creator is not None
        for p, d in zip(plain, double, strict=True):
            np.testing.assert_allclose(p.array, d.array, rtol=1e-10, atol=1e-12)


def test_fixed_forward_matches_numpy_with_explicit_axis():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    gamma, beta, mean = (rng.standard_normal((2, 3)).astype(np.float32) for _ in range(3))
    var = rng.uniform(0.5, 2, (2, 3)).astype(np.float32)
    y = fixed_batch_normalization(x, gamma, beta, mean, var, eps=1e-3, axis=2)
    expected = np.empty_like(x)
    for k in range(4):
        expected[:, :, k] = gamma * (x[:, :, k] - mean) / np.sqrt(var + 1e-3) + beta
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


def test_one_sample_batch_warns():
    with pytest.warns(UserWarning, match="every reduction axis has size 1"):
        y = batch_normalization(np.ones((1, 3), np.float32), np.ones(3, np.float32), np.zeros(3, np.float32))
    np.testing.assert_array_equal(y.array, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch_normalization(np.ones((2, 3), np.float32), np.ones(3, np.float32), np.zeros(3, np.float32))


def test_gamma_and_beta_messages():
    x = np.ones((2, 3, 4), np.float32)
    one = np.ones(3, np.float32)
    with pytest.raises(InvalidType, match=r"^batch_normalization: argument 'gamma' expected shape \(3,\) \(the shape "
                                          r"of x \(2, 3, 4\) at the axes not in \(0, 2\)\), got \(4,\)$"):
        batch_normalization(x, np.ones(4, np.float32), np.ones(4, np.float32))
    with pytest.raises(InvalidType, match=r"^batch_normalization: argument 'beta' expected shape \(3,\) "
                                          r"\(the shape of 'gamma'\), got \(2,\)$"):
        batch_normalization(x, one, np.ones(2, np.float32))
    with pytest.raises(InvalidType, match=r"^batch_normalization: argument 'beta' expected dtype float32 "
                                          r"\(the dtype of 'gamma'\), got float64$"):
        batch_normalization(x, one, np.ones(3))
    with pytest.raises(InvalidType, match=r"^fixed_batch_normalization: argument 'x' expected a floating-point "
                                          r"dtype .*, got int32$"):
        fixed_batch_normalization(x.astype(np.int32), one, one, one, one)
    with pytest.raises(InvalidType, match=r"^fixed_batch_normalization: argument 'var' expected shape \(3,\) "
                                          r"\(the shape of 'gamma'\), got \(3, 1\)$"):
        fixed_batch_normalization(x, one, one, one, np.ones((3, 1), np.float32))
    with pytest.raises(InvalidType, match=r"^fixed_batch_normalization: argument 'mean' expected an array or a "
                                          r"Variable, got NoneType$"):
        fixed_batch_normalization(x, one, one, None, one)


def test_axis_messages():
    x = np.ones((2, 3, 4), np.float32)
    one = np.ones(3, np.float32)
    with pytest.raises(InvalidType, match=r"^batch_normalization: argument 'axis' expected distinct axes in "
                                          r"ascending order, got \(2, 0\)$"):
        batch_normalization(x, one, one, axis=(2, 0))
    with pytest.raises(InvalidType, match=r"^batch_normalization: argument 'axis' expected axes in \[-3, 2\] for "
                                          r"a 3-dimensional x, got 3$"):
        batch_normalization(x, one, one, axis=3)
    with pytest.raises(InvalidType, match=r"^fixed_batch_normalization: argument 'axis' expected an int, a tuple "
                                          r"of ints or None, got 'x'$"):
        fixed_batch_normalization(x, one, one, one, one, axis="x")


def test_running_statistics_messages():
    x = np.ones((2, 3), np.float32)
    one = np.ones(3, np.float32)
    with pytest.raises(InvalidType, match=r"^batch_normalization: argument 'running_var' expected an array when "
                                          r"'running_mean' is given, got None$"):
        batch_normalization(x, one, one, running_mean=np.zeros(3, np.float32))
    with pytest.raises(InvalidType, match=r"^batch_normalization: argument 'running_mean' expected shape \(3,\) "
                                          r"\(the shape of 'gamma'\), got \(2,\)$"):
        batch_normalization(x, one, one, running_mean=np.zeros(2, np.float32), running_var=one.copy())


def test_sum_of_output_is_beta_sum_times_batch():
    # A property that does not depend on the normalization details: mean(y) over the batch is beta.
    x = kusari.Variable(np.random.default_rng(6).standard_normal((6, 2)).astype(np.float32))
    y = batch_normalization(x, np.full(2, 3, np.float32), np.array([1, -2], np.float32))
    np.testing.assert_allclose(fsum(y, axis=0).array, [6, -12], atol=1e-4)
