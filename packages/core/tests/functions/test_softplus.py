import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.softplus import softplus
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, beta=1.0):
    return np.logaddexp(0, beta * x) / beta


def _triples():
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=-4, hi=4), kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1)))


@given(kst.arrays(shape=kst.shapes(), lo=-50, hi=50), st.sampled_from([-2.0, 0.5, 1.0, 3.0]))
def test_forward_matches_numpy(x, beta):
    np.testing.assert_allclose(softplus(x, beta).array, _reference(x, beta), rtol=1e-12, atol=1e-300)


def test_extreme_inputs_do_not_overflow():
    x = kusari.Variable(np.array([-1e4, -100.0, 100.0, 1e4], np.float32))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = softplus(x, beta=2.0)
        y.grad = np.ones(4, np.float32)
        y.backward()
    np.testing.assert_allclose(y.array, [0, 0, 100, 1e4], atol=1e-30)
    np.testing.assert_array_equal(x.grad, [0, 0, 1, 1])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([-1.0, 0.0, 2.0], dtype))
    y = softplus(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(y.array, _reference(x.array.astype(np.float64)), rtol=1e-3)
    np.testing.assert_allclose(x.grad, 1 / (1 + np.exp(-x.array.astype(np.float64))), rtol=1e-3)


@given(_triples(), st.sampled_from([-1.5, 0.5, 1.0, 2.0]))
def test_gradient(args, beta):
    x, gy, _ = args
    check_backward(lambda v: softplus(v, beta), x, gy)


@given(_triples(), st.sampled_from([-1.5, 0.5, 1.0, 2.0]))
def test_double_gradient(args, beta):
    x, gy, ggx = args
    check_double_backward(lambda v: softplus(v, beta), x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"softplus: argument 'x' expected a floating-point dtype .*, got int32"):
        softplus(np.array([1], np.int32))


def test_zero_beta_is_rejected():
    with pytest.raises(InvalidType, match=r"softplus: argument 'beta' expected a nonzero number, got 0"):
        softplus(np.array([1.0]), beta=0)
