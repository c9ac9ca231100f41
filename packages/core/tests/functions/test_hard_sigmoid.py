import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.hard_sigmoid import hard_sigmoid
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(kst.arrays(shape=kst.shapes(), lo=-5, hi=5))
def test_forward_matches_numpy(x):
    np.testing.assert_allclose(hard_sigmoid(x).array, np.clip(0.2 * x + 0.5, 0, 1), rtol=1e-15, atol=1e-16)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([-3.0, -2.5, 0.0, 1.0, 2.5, 3.0], dtype))
    y = hard_sigmoid(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(y.array, [0, 0, 0.5, 0.7, 1, 1], rtol=1e-3)
    # Slope 0.2 strictly inside (-2.5, 2.5), as in Chainer.
    np.testing.assert_allclose(x.grad, [0, 0, 0.2, 0.2, 0, 0], rtol=1e-3)


def _away_from_kinks():
    return kst.arrays(shape=kst.shapes(), lo=-4, hi=4).map(
        lambda x: np.where(np.abs(np.abs(x) - 2.5) < 0.1, 1.0, x))


@given(_away_from_kinks(), st.data())
def test_gradient_and_double_gradient(x, data):
    gy = data.draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    ggx = data.draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    check_backward(hard_sigmoid, x, gy)
    check_double_backward(hard_sigmoid, x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"hard_sigmoid: argument 'x' expected a floating-point dtype .*, got int64"):
        hard_sigmoid(np.array([1], np.int64))
