"""inv, batch_inv."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.math.inv import batch_inv, inv

FUNCS = {"inv": (inv, 2), "batch_inv": (batch_inv, 3)}


@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("n", [1, 2, 4])
def test_forward_matches_numpy_and_keeps_float32(square_matrix, name, n):
    func, ndim = FUNCS[name]
    square_matrix.check_forward(func, np.linalg.inv, ndim, n)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(square_matrix, name, data):
    func, ndim = FUNCS[name]
    square_matrix.check_gradients(data, func, ndim, per_matrix_output=lambda n: (n, n))


def test_inverse_times_matrix_is_identity():
    a = np.random.randn(5, 3, 3).astype(np.float32) + 3 * np.eye(3, dtype=np.float32)
    np.testing.assert_allclose(np.matmul(batch_inv(a).array, a), np.broadcast_to(np.eye(3), a.shape), atol=1e-5)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_singular_matrix_is_rejected(name):
    func, ndim = FUNCS[name]
    a = np.ones((2, 2), np.float32) if ndim == 2 else np.ones((1, 2, 2), np.float32)
    with pytest.raises(ValueError, match=r"^inv: the input has singular matrices$"):
        func(a)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_errors(square_matrix, name):
    square_matrix.check_input_errors(FUNCS[name][0], name, FUNCS[name][1])
