import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari.functions as F


def _reference(x, axis):
    x = x.astype(np.float64)
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


@given(data=st.data())
def test_forward_matches_numpy(softmax_like, data):
    axis, x, _, _ = data.draw(softmax_like.point())
    y = F.log_softmax(x, axis=axis).array
    np.testing.assert_allclose(y, _reference(x, axis), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.exp(y).sum(axis=axis), 1.0, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(softmax_like, dtype):
    softmax_like.check_dtype(F.log_softmax, dtype)


def test_default_axis_is_1():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10
    np.testing.assert_allclose(F.log_softmax(x).array, _reference(x, 1), rtol=1e-6)


def test_backward_matches_the_jacobian(softmax_like):
    def jacobian(row):
        s = np.exp(_reference(row, 0))
        return np.eye(3) - np.outer(np.ones(3), s)
    softmax_like.check_backward_matches_the_jacobian(F.log_softmax, jacobian)


def test_agrees_with_log_of_softmax():
    x = np.array([[0.3, -1.2, 0.8], [2.0, 0.0, -0.5]])
    np.testing.assert_allclose(F.log_softmax(x).array, np.log(F.softmax(x).array), rtol=1e-12)


def test_large_inputs_are_stable():
    x = np.array([[1000.0, 1000.0, -1000.0], [-1e30, 0.0, 1e30]], np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = F.log_softmax(x).array
    # log(softmax) would give -inf here; the shifted form stays exact.
    np.testing.assert_allclose(y, [[-np.log(2), -np.log(2), -2000 - np.log(2)], [-2e30, -1e30, 0.0]],
                               rtol=1e-6)


@given(data=st.data())
def test_gradients(softmax_like, data):
    softmax_like.check_gradients(data, F.log_softmax)


def test_input_errors(softmax_like):
    softmax_like.check_input_errors(F.log_softmax, "log_softmax")
