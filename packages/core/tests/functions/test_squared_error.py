import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.loss.squared_error import squared_error


@given(data=st.data())
def test_forward_matches_numpy(error_pair, data):
    error_pair.check_forward(data, squared_error, lambda x0, x1: (x0 - x1) ** 2)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(error_pair, dtype):
    y = error_pair.check_dtype(squared_error, dtype)
    np.testing.assert_allclose(y.array, [[0.25, 0], [4, 4]], rtol=1e-3)


def test_gradient_values(error_pair):
    error_pair.check_gradient(squared_error, [0.0, -2.0, 6.0])  # 2 (x0 - x1)


@given(data=st.data())
def test_gradients(error_pair, data):
    error_pair.check_gradients(data, squared_error)


def test_input_errors(binary):
    binary.check_input_errors(squared_error, "squared_error", "x0", "x1")
