"""matmul (Chainer v7 semantics: batched, 1-d operands, transa/transb)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(a, b, transa, transb):
    # Chainer v7: the flags swap the last two axes of an operand with 2+ dims
    # and are ignored for a 1-d operand; the product itself is numpy.matmul.
    if transa and a.ndim >= 2:
        a = np.swapaxes(a, -1, -2)
    if transb and b.ndim >= 2:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


@st.composite
def _operands(draw):
    """(a, b, transa, transb) of any matmul-compatible shapes: 1-d or batched, broadcasting."""
    batch_a, batch_b = draw(kst.broadcastable_pairs(max_dims=2, max_side=3))
    m, k, n = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    transa, transb = draw(st.booleans()), draw(st.booleans())
    a_vec = not batch_a and draw(st.booleans())
    b_vec = not batch_b and draw(st.booleans())
    a_shape = (k,) if a_vec else batch_a + ((k, m) if transa else (m, k))
    b_shape = (k,) if b_vec else batch_b + ((n, k) if transb else (k, n))
    return draw(kst.arrays(shape=a_shape)), draw(kst.arrays(shape=b_shape)), transa, transb


@given(_operands())
def test_forward_matches_numpy(ops):
    a, b, transa, transb = ops
    y = F.matmul(a, b, transa=transa, transb=transb)
    expected = _reference(a, b, transa, transb)
    assert y.shape == np.shape(expected) and isinstance(y.array, np.ndarray)
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("a_shape, b_shape, transa, transb, out_shape", [
    # output shapes taken from chainer.functions.matmul 7.8.1
    ((3,), (3,), False, False, ()),
    ((3,), (3,), True, False, ()),
    ((2, 3), (3,), False, False, (2,)),
    ((3,), (3, 2), False, False, (2,)),
    ((3,), (2, 3), False, True, (2,)),
    ((2, 3), (2, 4), True, False, (3, 4)),
    ((3, 2), (4, 2), False, True, (3, 4)),
    ((2, 3, 4), (2, 4, 5), False, False, (2, 3, 5)),
    ((2, 4, 3), (2, 4, 5), True, False, (2, 3, 5)),
    ((2, 3, 4), (4, 5), False, False, (2, 3, 5)),
    ((3, 4), (2, 4, 5), False, False, (2, 3, 5)),
    ((2, 1, 3, 4), (5, 4, 2), False, False, (2, 5, 3, 2)),
    ((2, 3, 4), (4,), False, False, (2, 3)),
])
def test_shapes_match_chainer(a_shape, b_shape, transa, transb, out_shape):
    a, b = np.ones(a_shape, np.float32), np.ones(b_shape, np.float32)
    y = F.matmul(a, b, transa, transb)
    assert y.shape == out_shape and y.dtype == np.float32


def test_operator_and_float32_gradients():
    a = kusari.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    b = kusari.Variable(np.ones((3, 2), np.float32))
    y = a @ b
    F.sum(y).backward()
    assert y.dtype == a.grad.dtype == b.grad.dtype == np.float32
    np.testing.assert_array_equal(a.grad, np.full((2, 3), 2.0))   # gy @ b.T
    np.testing.assert_array_equal(b.grad, np.array([[3, 3], [5, 5], [7, 7]]))  # a.T @ gy
    c = np.ones((2, 2), np.float32) @ b.T   # reflected: ndarray @ Variable
    assert isinstance(c, kusari.Variable) and c.shape == (2, 3)


@given(ops=_operands(), data=st.data())
def test_gradients(ops, data):
    a, b, transa, transb = ops
    out_shape = _reference(a, b, transa, transb).shape
    gy = data.draw(kst.arrays(shape=out_shape))
    ggs = (data.draw(kst.arrays(shape=a.shape)), data.draw(kst.arrays(shape=b.shape)))
    func = lambda u, v: F.matmul(u, v, transa=transa, transb=transb)
    check_backward(func, (a, b), gy)
    check_double_backward(func, (a, b), gy, ggs)


def test_contracted_sizes_must_match():
    with pytest.raises(InvalidType, match=r"^matmul: argument 'b' expected b.shape\[-2\] == 3 \(the contracted "
                                          r"size of a, shape \(2, 3\)\), got shape \(4, 5\)$"):
        F.matmul(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(InvalidType, match=r"^matmul: argument 'b' expected b.shape\[-1\] \(transb\) == 2 .*transa\), "
                                          r"got shape \(4, 5\)$"):
        F.matmul(np.ones((2, 3)), np.ones((4, 5)), transa=True, transb=True)
    with pytest.raises(InvalidType, match=r"^matmul: argument 'b' expected b.shape\[0\] == 3 .*, got shape \(4,\)$"):
        F.matmul(np.ones(3), np.ones(4))


def test_batch_axes_must_broadcast():
    with pytest.raises(InvalidType, match=r"^matmul: argument 'b' expected batch axes broadcastable with "
                                          r"a.shape\[:-2\] = \(2,\), got b.shape\[:-2\] = \(3,\)$"):
        F.matmul(np.ones((2, 2, 3)), np.ones((3, 3, 5)))


def test_scalars_and_dtypes_are_rejected():
    with pytest.raises(InvalidType, match=r"^matmul: argument 'a' expected at least 1 dimension, got 0 \(shape \(\)\)$"):
        F.matmul(np.ones(()), np.ones((3, 5)))
    with pytest.raises(InvalidType, match=r"^matmul: argument 'b' expected a floating-point dtype .*, got int64$"):
        F.matmul(np.ones((2, 3)), np.ones((3, 5), np.int64))
    with pytest.raises(InvalidType, match=r"^matmul: argument 'b' expected dtype float32 \(the dtype of 'a'\), "
                                          r"got float64$"):
        F.matmul(np.ones((2, 3), np.float32), np.ones((3, 5)))
