import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari.functions as F


def _reference(x, axis):
    e = np.exp(x.astype(np.float64))
    return e / e.sum(axis=axis, keepdims=True)


@given(data=st.data())
def test_forward_matches_numpy(softmax_like, data):
    axis, x, _, _ = data.draw(softmax_like.point())
    y = F.softmax(x, axis=axis).array
    np.testing.assert_allclose(y, _reference(x, axis), rtol=1e-12)
    np.testing.assert_allclose(y.sum(axis=axis), 1.0, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(softmax_like, dtype):
    softmax_like.check_dtype(F.softmax, dtype)


def test_default_axis_is_1():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10
    np.testing.assert_allclose(F.softmax(x).array, _reference(x, 1), rtol=1e-6)


def test_backward_matches_the_jacobian(softmax_like):
    def jacobian(row):
        s = _reference(row, 0)
        return np.diag(s) - np.outer(s, s)
    softmax_like.check_backward_matches_the_jacobian(F.softmax, jacobian)


def test_large_inputs_are_stable():
    x = np.array([[1000.0, 1000.0, -1000.0], [-1e30, 0.0, 1e30]], np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = F.softmax(x).array
    np.testing.assert_allclose(y, [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])


@given(data=st.data())
def test_gradients(softmax_like, data):
    softmax_like.check_gradients(data, F.softmax)


def test_input_errors(softmax_like):
    softmax_like.check_input_errors(F.softmax, "softmax")
