import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.elu import elu
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))


def _triples():
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=-4, hi=4, min_magnitude=0.1), kst.arrays(shape=s, lo=-1, hi=1),
        kst.arrays(shape=s, lo=-1, hi=1)))


@given(kst.arrays(shape=kst.shapes(), lo=-10, hi=10), st.floats(0, 3))
def test_forward_matches_numpy(x, alpha):
    np.testing.assert_allclose(elu(x, alpha).array, _reference(x, alpha), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([-1.0, 0.0, 3.0], dtype))
    y = elu(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    # Chainer: alpha * exp(x) at and below 0.
    np.testing.assert_allclose(x.grad, [np.exp(-1), 1, 1], rtol=1e-3)


def test_large_inputs_do_not_overflow():
    x = kusari.Variable(np.array([-1e4, 1e4], np.float32))
    with np.errstate(over="raise", invalid="raise"):
        y = elu(x)
        y.grad = np.ones(2, np.float32)
        y.backward()
    np.testing.assert_array_equal(y.array, [-1, 1e4])
    np.testing.assert_array_equal(x.grad, [0, 1])


@given(_triples(), st.floats(0.1, 2))
def test_gradient(args, alpha):
    x, gy, _ = args
    check_backward(lambda v: elu(v, alpha), x, gy)


@given(_triples(), st.floats(0.1, 2))
def test_double_gradient(args, alpha):
    x, gy, ggx = args
    check_double_backward(lambda v: elu(v, alpha), x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"elu: argument 'x' expected a floating-point dtype .*, got int32"):
        elu(np.array([1, -1], np.int32))
