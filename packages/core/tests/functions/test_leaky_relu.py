import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.leaky_relu import leaky_relu
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _triples(**kw):
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, **kw), kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1)))


@given(kst.arrays(shape=kst.shapes(), lo=-3, hi=3), st.floats(0, 1))
def test_forward_matches_numpy(x, slope):
    np.testing.assert_allclose(leaky_relu(x, slope).array, np.where(x > 0, x, slope * x), rtol=1e-15)


def test_default_slope_is_chainers_0_2():
    np.testing.assert_allclose(leaky_relu(np.array([-1.0, 3.0])).array, [-0.2, 3.0])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([-1.5, 0.0, 2.5], dtype))
    y = leaky_relu(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype


def test_gradient_at_zero_is_the_slope():
    # Chainer's convention: only x > 0 gets slope 1.
    x = kusari.Variable(np.array([-2.0, 0.0, 3.0], np.float32))
    y = leaky_relu(x, 0.5)
    y.grad = np.full(3, 2, np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [1, 1, 2])


@given(_triples(lo=-2, hi=2, min_magnitude=0.1), st.floats(-1, 1))
def test_gradient(args, slope):
    x, gy, _ = args
    check_backward(lambda v: leaky_relu(v, slope), x, gy)


@given(_triples(lo=-2, hi=2, min_magnitude=0.1))
def test_double_gradient(args):
    x, gy, ggx = args
    check_double_backward(leaky_relu, x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"leaky_relu: argument 'x' expected a floating-point dtype .*, got int32"):
        leaky_relu(np.array([1, -1], np.int32))
