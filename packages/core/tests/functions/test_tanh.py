import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x):
    # tanh from exponentials, an independent formula
    e = np.exp(-2.0 * np.abs(x.astype(np.float64)))
    return np.sign(x) * (1.0 - e) / (1.0 + e)


@given(kst.arrays(shape=kst.shapes(), lo=-10, hi=10))
def test_forward_matches_numpy(x):
    np.testing.assert_allclose(F.tanh(x).array, _reference(x), rtol=1e-12, atol=1e-15)


def test_backward_keeps_the_output():
    x = kusari.Variable(np.array([0.5], np.float32))
    y = F.tanh(x)
    assert y.creator_node.inputs[0].data is None
    assert y.creator_node.output_data[0] is y.array


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([-1.0, 0.0, 3.0], dtype))
    y = F.tanh(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(y.array, _reference(x.array), rtol=1e-3 if dtype == np.float16 else 1e-6)


def test_extreme_inputs_do_not_overflow():
    x = np.array([-1e4, -100.0, 100.0, 1e4], np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = F.tanh(x).array
    np.testing.assert_allclose(y, [-1, -1, 1, 1], atol=1e-30)


def test_backward_is_one_minus_y_squared():
    x = kusari.Variable(np.array([-2.0, 0.0, 1.5]))
    y = F.tanh(x)
    y.grad = np.array([1.0, 2.0, 3.0])
    y.backward()
    np.testing.assert_allclose(x.grad, y.grad / np.cosh(x.array) ** 2, rtol=1e-12)


def _triples(lo=-4, hi=4):
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=lo, hi=hi), kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1)))


@given(_triples())
def test_gradient(args):
    x, gy, _ = args
    check_backward(F.tanh, x, gy)


@given(_triples())
def test_double_gradient(args):
    x, gy, ggx = args
    check_double_backward(F.tanh, x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"tanh: argument 'x' expected a floating-point dtype .*, got int64"):
        F.tanh(np.array([1, 2], np.int64))
