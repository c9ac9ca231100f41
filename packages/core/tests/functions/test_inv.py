"""inv, batch_inv."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.inv import batch_inv, inv
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

InvalidType = kusari.utils.type_check.InvalidType
FUNCS = {"inv": (inv, np.linalg.inv, 2), "batch_inv": (batch_inv, np.linalg.inv, 3)}


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
    out_shape = shape
    a = data.draw(_well_conditioned(shape))
    gy = data.draw(kst.arrays(shape=out_shape))
    gga = data.draw(kst.arrays(shape=shape))
    check_backward(func, a, gy)
    check_double_backward(func, a, gy, gga)


def test_inverse_times_matrix_is_identity():
    a = np.random.randn(5, 3, 3).astype(np.float32) + 3 * np.eye(3, dtype=np.float32)
    np.testing.assert_allclose(np.matmul(batch_inv(a).array, a), np.broadcast_to(np.eye(3), a.shape), atol=1e-5)


@pytest.mark.parametrize("name", ["inv", "batch_inv"])
def test_singular_matrix_is_rejected(name):
    func, _, ndim = FUNCS[name]
    a = np.ones((2, 2), np.float32) if ndim == 2 else np.ones((1, 2, 2), np.float32)
    with pytest.raises(ValueError, match=r"^inv: the input has singular matrices$"):
        func(a)


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
