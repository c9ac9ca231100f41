import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.loss.absolute_error import absolute_error


@given(data=st.data())
def test_forward_matches_numpy(error_pair, data):
    error_pair.check_forward(data, absolute_error, lambda x0, x1: np.abs(x0 - x1))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(error_pair, dtype):
    y = error_pair.check_dtype(absolute_error, dtype)
    np.testing.assert_allclose(y.array, [[0.5, 0], [2, 2]], rtol=1e-3)


def test_gradient_values(error_pair):
    error_pair.check_gradient(absolute_error, [0.0, -1.0, 1.0])  # sign(x0 - x1)


@given(data=st.data())
def test_gradients(error_pair, data):
    error_pair.check_gradients(data, absolute_error)


def test_input_errors(binary):
    binary.check_input_errors(absolute_error, "absolute_error", "x0", "x1")
