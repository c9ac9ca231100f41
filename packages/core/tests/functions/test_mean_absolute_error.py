import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.loss.mean_absolute_error import mean_absolute_error


@given(data=st.data())
def test_forward_matches_numpy(error_pair, data):
    error_pair.check_forward(data, mean_absolute_error, lambda x0, x1: np.mean(np.abs(x0 - x1)), reduced=True)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(error_pair, dtype):
    y = error_pair.check_dtype(mean_absolute_error, dtype)
    np.testing.assert_allclose(y.array, (0.5 + 0 + 2 + 2) / 4, rtol=1e-3)


def test_gradient_values(error_pair):
    error_pair.check_gradient(mean_absolute_error, [0.0, -1 / 3, 1 / 3])  # sign(x0 - x1) / size


@given(data=st.data())
def test_gradients(error_pair, data):
    error_pair.check_gradients(data, mean_absolute_error, reduced=True)


def test_input_errors(binary):
    binary.check_input_errors(mean_absolute_error, "mean_absolute_error", "x0", "x1")
