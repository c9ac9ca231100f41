import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.swish import swish
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _x_and_beta():
    # x of 1 to 3 axes; beta shaped like x.shape[1:1 + k] for some k.
    return kst.shapes(min_dims=1).flatmap(lambda s: st.integers(0, len(s) - 1).flatmap(lambda k: st.tuples(
        kst.arrays(shape=s, lo=-3, hi=3), kst.arrays(shape=s[1:1 + k], lo=-2, hi=2),
        kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s[1:1 + k], lo=-1, hi=1),
        kst.arrays(shape=s, lo=-1, hi=1))))


def _reference(x, beta):
    b = beta.reshape((1,) + beta.shape + (1,) * (x.ndim - 1 - beta.ndim))
    return x / (1 + np.exp(-b * x))


@given(_x_and_beta())
def test_forward_matches_numpy(args):
    x, beta = args[:2]
    np.testing.assert_allclose(swish(x, beta).array, _reference(x, beta), rtol=1e-12, atol=1e-15)


def test_beta_follows_axis_1():
    x = np.ones((2, 3, 4), np.float32)
    beta = np.array([0.0, 1.0, -1.0], np.float32)
    y = swish(x, beta).array
    np.testing.assert_allclose(y[:, 0], 0.5)
    np.testing.assert_allclose(y[:, 1], 1 / (1 + np.exp(-1)), rtol=1e-6)
    np.testing.assert_allclose(y[:, 2], 1 / (1 + np.exp(1)), rtol=1e-6)


def test_float32_is_preserved_and_both_get_gradients():
    x = kusari.Variable(np.array([[-1.0, 2.0], [0.5, 1.0]], np.float32))
    beta = kusari.Variable(np.array([1.0, 2.0], np.float32))
    y = swish(x, beta)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32 and beta.grad.dtype == np.float32
    s = 1 / (1 + np.exp(-beta.array * x.array))
    np.testing.assert_allclose(beta.grad, (x.array ** 2 * s * (1 - s)).sum(axis=0), rtol=1e-5)


@given(_x_and_beta())
def test_gradient(args):
    x, beta, gy = args[:3]
    check_backward(swish, (x, beta), gy)


@given(_x_and_beta())
def test_double_gradient(args):
    x, beta, gy, ggb, ggx = args
    check_double_backward(swish, (x, beta), gy, (ggx, ggb))


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"swish: argument 'x' expected a floating-point dtype .*, got int32"):
        swish(np.array([[1]], np.int32), np.ones(1, np.float32))


def test_mismatched_beta_dtype_is_rejected():
    with pytest.raises(InvalidType, match=r"swish: argument 'beta' expected dtype float32 \(the dtype of 'x'\), got float64"):
        swish(np.ones((2, 3), np.float32), np.ones(3))


@pytest.mark.parametrize("beta_shape", [(2,), (3, 1), (3, 4, 5)])
def test_beta_of_wrong_shape_is_rejected(beta_shape):
    with pytest.raises(InvalidType, match=r"swish: argument 'beta' expected shape x.shape\[1:1 \+ beta.ndim\] = .*, "
                       r"got .* \(x has shape \(2, 3, 4\)\)"):
        swish(np.ones((2, 3, 4)), np.ones(beta_shape))
