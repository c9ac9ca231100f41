"""batch_matmul (Chainer's deprecated alias semantics)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.batch_matmul import batch_matmul
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

InvalidType = kusari.utils.type_check.InvalidType


def _ref(a, b, transa, transb):
    a = a[..., None] if a.ndim == 2 else a
    b = b[..., None] if b.ndim == 2 else b
    a = a.swapaxes(1, 2) if transa else a
    b = b.swapaxes(1, 2) if transb else b
    return np.matmul(a, b)




@pytest.mark.parametrize("transa", [False, True])
@pytest.mark.parametrize("transb", [False, True])
@pytest.mark.parametrize("a_shape,b_shape", [((2, 3, 4), (2, 4, 5)), ((2, 3), (2, 3)), ((2, 3, 3), (2, 3))])
def test_forward_matches_numpy_and_keeps_float32(transa, transb, a_shape, b_shape):
    a = np.random.randn(*a_shape).astype(np.float32)
    b = np.random.randn(*b_shape).astype(np.float32)
    if len(a_shape) == 3 and transa:
        a = np.ascontiguousarray(a.swapaxes(1, 2))
    if len(b_shape) == 3 and transb:
        b = np.ascontiguousarray(b.swapaxes(1, 2))
    try:
        expected = _ref(a, b, transa, transb)
    except ValueError:
        with pytest.raises(InvalidType, match=r"^batch_matmul: argument 'b' expected contracted size"):
            batch_matmul(a, b, transa, transb)
        return
    y = batch_matmul(kusari.Variable(a), kusari.Variable(b), transa, transb)
    assert y.dtype == np.float32 and y.ndim == 3
    np.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


def test_two_dimensional_inputs_are_columns():
    a = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    y = batch_matmul(a, a, transb=True)  # outer products of the rows
    np.testing.assert_array_equal(y.array, a[:, :, None] * a[:, None, :])


@given(st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4),
                 st.booleans(), st.booleans()).flatmap(
    lambda p: st.tuples(st.just(p[4]), st.just(p[5]),
                        kst.arrays(shape=(p[0], p[2], p[1]) if p[4] else (p[0], p[1], p[2])),
                        kst.arrays(shape=(p[0], p[3], p[2]) if p[5] else (p[0], p[2], p[3])),
                        kst.arrays(shape=(p[0], p[1], p[3])),
                        kst.arrays(shape=(p[0], p[2], p[1]) if p[4] else (p[0], p[1], p[2])),
                        kst.arrays(shape=(p[0], p[3], p[2]) if p[5] else (p[0], p[2], p[3])))))
def test_gradients(case):
    transa, transb, a, b, gy, gga, ggb = case
    f = lambda x, y: batch_matmul(x, y, transa, transb)  # noqa: E731
    check_backward(f, (a, b), gy)
    check_double_backward(f, (a, b), gy, (gga, ggb))


@given(st.tuples(st.integers(1, 3), st.integers(1, 4)).flatmap(
    lambda p: st.tuples(*(kst.arrays(shape=s) for s in [(p[0], p[1]), (p[0], p[1]), (p[0], 1, 1)]))))
def test_gradients_of_two_dimensional_inputs(case):
    a, b, gy = case
    check_backward(lambda x, y: batch_matmul(x, y, transa=True), (a, b), gy)


def test_errors():
    f32 = np.ones((2, 3, 4), np.float32)
    with pytest.raises(InvalidType, match=r"^batch_matmul: argument 'a' expected 2 or 3 dimensions, got 4 "):
        batch_matmul(np.ones((2, 3, 4, 1), np.float32), f32)
    with pytest.raises(InvalidType, match=r"^batch_matmul: argument 'b' expected 2 or 3 dimensions, got 1 "):
        batch_matmul(f32, np.ones(2, np.float32))
    with pytest.raises(InvalidType, match=r"^batch_matmul: argument 'a' expected a floating-point dtype"):
        batch_matmul(np.ones((2, 3, 4), np.int32), f32)
    with pytest.raises(InvalidType, match=r"^batch_matmul: argument 'b' expected dtype float32 .*, got float64$"):
        batch_matmul(f32, np.ones((2, 4, 5)))
    with pytest.raises(InvalidType, match=r"^batch_matmul: argument 'b' expected batch size 2 \(a.shape\[0\]\), "
                                          r"got shape \(3, 4, 5\)$"):
        batch_matmul(f32, np.ones((3, 4, 5), np.float32))
    with pytest.raises(InvalidType, match=r"^batch_matmul: argument 'b' expected contracted size 4 \(from a\), "
                                          r"got 3$"):
        batch_matmul(f32, np.ones((2, 3, 5), np.float32))
    with pytest.raises(InvalidType, match=r"^batch_matmul: argument 'b' expected contracted size 3 "
                                          r"\(from a, transa\), got 5 \(transb\)$"):
        batch_matmul(f32, np.ones((2, 4, 5), np.float32), transa=True, transb=True)
