import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import strategies as kst


def _reference(x):
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


@given(kst.arrays(shape=kst.shapes(), lo=-10, hi=10))
def test_forward_matches_numpy(x):
    np.testing.assert_allclose(F.sigmoid(x).array, _reference(x), rtol=1e-12, atol=1e-15)


def test_backward_keeps_the_output(unary):
    unary.check_backward_keeps_only_the_output(F.sigmoid)


def test_extreme_inputs_do_not_overflow(unary):
    unary.check_extreme_inputs_do_not_overflow(F.sigmoid, [0, 0, 1, 1])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(unary, dtype):
    unary.check_dtype_is_preserved(F.sigmoid, _reference, dtype)


def test_backward_is_y_times_one_minus_y():
    x = kusari.Variable(np.array([-2.0, 0.0, 1.5]))
    y = F.sigmoid(x)
    y.grad = np.array([1.0, 2.0, 3.0])
    y.backward()
    s = _reference(x.array)
    np.testing.assert_allclose(x.grad, y.grad * s * (1 - s), rtol=1e-12)


@given(data=st.data())
def test_gradients(unary, data):
    unary.check_gradients(data, F.sigmoid, -4, 4, grad_lo=-1, grad_hi=1)


def test_integer_input_is_rejected(unary):
    unary.check_integer_input_is_rejected(F.sigmoid, "sigmoid", np.int64)
