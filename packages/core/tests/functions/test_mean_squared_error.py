import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari.functions as F


@given(data=st.data())
def test_forward_matches_numpy(error_pair, data):
    error_pair.check_forward(data, F.mean_squared_error, lambda x0, x1: np.mean((x0 - x1) ** 2),
                             reduced=True, near=False)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(error_pair, dtype):
    y = error_pair.check_dtype(F.mean_squared_error, dtype)
    np.testing.assert_allclose(y.array, (0.25 + 0 + 4 + 4) / 4, rtol=1e-3)


def test_gradient_values(error_pair):
    error_pair.check_gradient(F.mean_squared_error, [0.0, -2 / 3, 2.0])  # 2 (x0 - x1) / size


@given(data=st.data())
def test_gradients(error_pair, data):
    error_pair.check_gradients(data, F.mean_squared_error, reduced=True, near=False)


def test_input_errors(binary):
    binary.check_input_errors(F.mean_squared_error, "mean_squared_error", "x0", "x1")
