"""simplified_dropconnect: linear with randomly dropped, rescaled weights."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.noise.simplified_dropconnect import simplified_dropconnect
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, W, b, mask, ratio):
    """Loop over samples: y[i] = (W * mask[i] / (1 - ratio)) @ x[i] + b."""
    x = x.reshape(len(x), -1)
    rows = []
    for i in range(len(x)):
        m = mask[i] if mask.ndim == 3 else mask
        rows.append((W * m / (1 - ratio)) @ x[i] + (0 if b is None else b))
    return np.array(rows)


@st.composite
def _problem(draw, batchwise=None, with_bias=None):
    n, in_size, out_size = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    x = draw(kst.arrays(shape=(n, in_size)))
    W = draw(kst.arrays(shape=(out_size, in_size)))
    use_bias = draw(st.booleans()) if with_bias is None else with_bias
    b = draw(kst.arrays(shape=(out_size,))) if use_bias else None
    bw = draw(st.booleans()) if batchwise is None else batchwise
    mask_shape = (n, out_size, in_size) if bw else (out_size, in_size)
    mask = draw(kst.arrays(shape=mask_shape, dtype=np.int8, lo=0, hi=1)).astype(bool)
    return x, W, b, mask


@given(_problem(), st.sampled_from([0.0, 0.25, 0.5]))
def test_forward_with_mask_matches_numpy(problem, ratio):
    x, W, b, mask = problem
    y = simplified_dropconnect(x, W, b, ratio, mask=mask)
    np.testing.assert_allclose(y.array, _reference(x, W, b, mask, ratio), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("batchwise", [True, False])
def test_random_mask_comes_from_the_numpy_global_rng(batchwise):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2, 2)).astype(np.float32)    # trailing axes are flattened
    W = rng.standard_normal((5, 4)).astype(np.float32)
    b = rng.standard_normal(5).astype(np.float32)
    np.random.seed(11)
    y = simplified_dropconnect(x, W, b, 0.3, use_batchwise_mask=batchwise)
    np.random.seed(11)
    mask = np.random.rand(*((3, 5, 4) if batchwise else (5, 4))) >= 0.3
    assert y.dtype == np.float32 and y.shape == (3, 5)
    np.testing.assert_allclose(y.array, _reference(x, W, b, mask, 0.3), rtol=1e-5, atol=1e-5)


def test_kept_fraction_and_scale():
    np.random.seed(0)
    n = 100_000
    y = simplified_dropconnect(np.ones((n, 1), np.float32), np.ones((1, 1), np.float32), ratio=0.2).array
    assert set(np.unique(y).tolist()) <= {0.0, np.float32(1 / 0.8).item()}
    assert abs((y != 0).mean() - 0.8) < 5 * np.sqrt(0.2 * 0.8 / n)


def test_train_false_is_linear_and_ignores_config():
    rng = np.random.default_rng(1)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    np.testing.assert_allclose(simplified_dropconnect(x, W, b, 0.7, train=False).array, x @ W.T + b)
    # As Chainer: config.train does not switch it off, the argument does.
    np.random.seed(0)
    with kusari.using_config("train", False):
        y = simplified_dropconnect(np.ones((50, 3)), np.ones((2, 3)), ratio=0.5).array
    assert (y != 3).any()


def test_weight_gradient_is_masked():
    x = kusari.Variable(np.array([[1.0, 2.0]]))
    W = kusari.Variable(np.array([[1.0, 1.0], [1.0, 1.0]]))
    mask = np.array([[[1, 0], [0, 1]]], bool)
    y = simplified_dropconnect(x, W, ratio=0.5, mask=mask)
    y.grad = np.ones((1, 2))
    y.backward()
    np.testing.assert_allclose(W.grad, [[2.0, 0.0], [0.0, 4.0]])
    np.testing.assert_allclose(x.grad, [[2.0, 2.0]])


@given(_problem())
def test_backward(problem):
    x, W, b, mask = problem
    inputs = (x, W) if b is None else (x, W, b)
    gy = np.random.standard_normal((x.shape[0], W.shape[0]))
    check_backward(lambda *a: simplified_dropconnect(*a, ratio=0.25, mask=mask), inputs, gy)


@given(_problem(with_bias=True))
def test_double_backward(problem):
    x, W, b, mask = problem
    gy = np.random.standard_normal((x.shape[0], W.shape[0]))
    gg = tuple(np.random.standard_normal(a.shape) for a in (x, W, b))
    check_double_backward(lambda *a: simplified_dropconnect(*a, ratio=0.25, mask=mask), (x, W, b), gy, gg)


def test_errors():
    x, W = np.zeros((2, 3), np.float32), np.zeros((4, 3), np.float32)
    fn = "simplified_dropconnect"
    with pytest.raises(InvalidType, match=fn + r": argument 'x' expected at least 2 dimensions, got 1"):
        simplified_dropconnect(np.zeros(3, np.float32), W)
    with pytest.raises(InvalidType, match=fn + r": argument 'x' expected a floating-point dtype"):
        simplified_dropconnect(np.zeros((2, 3), np.int32), W)
    with pytest.raises(InvalidType, match=fn + r": argument 'W' expected 2 dimensions, got 3"):
        simplified_dropconnect(x, np.zeros((4, 3, 1), np.float32))
    with pytest.raises(InvalidType, match=fn + r": argument 'W' expected dtype float32 .*got float64"):
        simplified_dropconnect(x, np.zeros((4, 3)))
    with pytest.raises(InvalidType, match=fn + r": argument 'x' expected shape \(N, \.\.\.\) with 5 features"):
        simplified_dropconnect(x, np.zeros((4, 5), np.float32))
    with pytest.raises(InvalidType, match=fn + r": argument 'b' expected shape \(4,\).*got \(3,\)"):
        simplified_dropconnect(x, W, np.zeros(3, np.float32))
    with pytest.raises(InvalidType, match=fn + r": argument 'ratio' expected a number in \[0, 1\), got 1.0"):
        simplified_dropconnect(x, W, ratio=1.0)
    with pytest.raises(InvalidType, match=fn + r": argument 'mask' expected shape \(2, 4, 3\) or \(4, 3\), got"):
        simplified_dropconnect(x, W, mask=np.ones((3, 4), bool))
