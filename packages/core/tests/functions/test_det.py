"""det, batch_det."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.det import batch_det, det
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

InvalidType = kusari.utils.type_check.InvalidType
FUNCS = {"det": (det, np.linalg.det, 2), "batch_det": (batch_det, np.linalg.det, 3)}


def _well_conditioned(shape):
    """Matrices n*I + small noise: far from singular, so finite differences stay accurate."""
    n = shape[-1]
    return kst.arrays(shape=shape, lo=-0.5, hi=0.5).map(lambda m: m + 2 * np.eye(n))




@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("n", [1, 2, 4])
def test_forward_matches_numpy_and_keeps_float32(name, n):
    func, ref, ndim = FUNCS[name]
    shape = (n, n) if ndim == 2 else (3, n, n)
    a = (np.random.randn(*shape) + 3 * np.eye(n)).astype(np.float32)
    y = func(kusari.Variable(a))
    expected = ref(a.astype(np.float64))
    assert y.dtype == np.float32 and y.shape == expected.shape and isinstance(y.array, np.ndarray)
    np.testing.assert_allclose(y.array, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(name, data):
    func, _, ndim = FUNCS[name]
    n = data.draw(st.integers(1, 3))
    shape = (n, n) if ndim == 2 else (data.draw(st.integers(1, 3)), n, n)
    out_shape = shape[:-2]
    a = data.draw(_well_conditioned(shape))
    gy = data.draw(kst.arrays(shape=out_shape))
    gga = data.draw(kst.arrays(shape=shape))
    check_backward(func, a, gy)
    check_double_backward(func, a, gy, gga)


def test_det_gradient_is_the_cofactor_matrix():
    a = kusari.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    det(a).backward()
    np.testing.assert_allclose(a.grad, [[4.0, -3.0], [-2.0, 1.0]], rtol=1e-5)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_errors(name):
    func, _, ndim = FUNCS[name]
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'a' expected a floating-point dtype"):
        func(np.ones((2,) * ndim, np.int32))
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'a' expected {ndim} dimensions, "
                                          rf"got {ndim + 1} \(shape"):
        func(np.ones((2,) * (ndim + 1), np.float32))
    shape = (2, 3) if ndim == 2 else (1, 2, 3)
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'a' expected square matrices \(the last two axes "
                                          rf"equal\), got shape {re_shape(shape)}$"):
        func(np.ones(shape, np.float32))


def re_shape(shape):
    return str(shape).replace("(", r"\(").replace(")", r"\)")
