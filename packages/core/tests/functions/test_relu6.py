import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.relu6 import relu6
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(kst.arrays(shape=kst.shapes(), lo=-10, hi=10))
def test_forward_matches_numpy(x):
    np.testing.assert_array_equal(relu6(x).array, np.clip(x, 0, 6))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([-1.0, 0.0, 2.0, 6.0, 7.0], dtype))
    y = relu6(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    # Chainer: the gradient is 1 only strictly inside (0, 6).
    np.testing.assert_array_equal(x.grad, [0, 0, 1, 0, 0])


def _away_from_kinks():
    return kst.arrays(shape=kst.shapes(), lo=-2, hi=8, min_magnitude=0.1).map(
        lambda x: np.where(np.abs(x - 6) < 0.1, 5.5, x))


@given(_away_from_kinks(), st.data())
def test_gradient_and_double_gradient(x, data):
    gy = data.draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    ggx = data.draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    check_backward(relu6, x, gy)
    check_double_backward(relu6, x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"relu6: argument 'x' expected a floating-point dtype .*, got int32"):
        relu6(np.array([1, -1], np.int32))
