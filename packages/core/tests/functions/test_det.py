"""det, batch_det."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.det import batch_det, det

FUNCS = {"det": (det, 2), "batch_det": (batch_det, 3)}


@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("n", [1, 2, 4])
def test_forward_matches_numpy_and_keeps_float32(square_matrix, name, n):
    func, ndim = FUNCS[name]
    square_matrix.check_forward(func, np.linalg.det, ndim, n)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(square_matrix, name, data):
    func, ndim = FUNCS[name]
    square_matrix.check_gradients(data, func, ndim, per_matrix_output=lambda n: ())


def test_det_gradient_is_the_cofactor_matrix():
    a = kusari.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    det(a).backward()
    np.testing.assert_allclose(a.grad, [[4.0, -3.0], [-2.0, 1.0]], rtol=1e-5)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_errors(square_matrix, name):
    square_matrix.check_input_errors(FUNCS[name][0], name, FUNCS[name][1])
