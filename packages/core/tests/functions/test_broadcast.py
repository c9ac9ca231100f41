"""broadcast_to and sum_to."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _pair():
    """(x, target shape) with x's shape broadcastable to the target."""
    return kst.broadcastable_pairs().map(lambda p: (p[0], np.broadcast_shapes(*p))).flatmap(
        lambda p: st.tuples(kst.arrays(shape=p[0]), st.just(p[1])))


@given(_pair())
def test_broadcast_to_matches_numpy(case):
    x, shape = case
    y = F.broadcast_to(x, shape)
    np.testing.assert_array_equal(y.array, np.broadcast_to(x, shape))


@given(_pair())
def test_sum_to_matches_numpy(case):
    small, big_shape = case
    x = np.asarray(np.broadcast_to(small, big_shape) * 1.5)
    lead = len(big_shape) - small.ndim
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(small.shape) if s == 1 and big_shape[lead + i] != 1)
    expected = x.sum(axis=axes, keepdims=True).reshape(small.shape) if axes else x
    y = F.sum_to(x, small.shape)
    assert y.shape == small.shape
    np.testing.assert_allclose(y.array, expected, rtol=1e-12)


def test_same_shape_is_a_no_op():
    x = kusari.Variable(np.ones((2, 3), np.float32))
    assert F.broadcast_to(x, (2, 3)) is x
    assert F.sum_to(x, (2, 3)) is x


def test_float32_and_gradient_of_broadcast_to_sums():
    x = kusari.Variable(np.array([[1.0], [2.0]], np.float32))
    y = F.broadcast_to(x, (3, 2, 4))
    F.sum(y).backward()
    assert y.dtype == x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [[12.0], [12.0]])
    x.grad[0, 0] = 99.0   # the leaf owns its gradient: it is writeable (not a broadcast view)


def test_gradient_of_sum_to_broadcasts():
    x = kusari.Variable(np.zeros((2, 3), np.float32))
    y = F.sum_to(x, (3,))
    y.grad = np.array([1.0, 2.0, 3.0], np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [[1, 2, 3], [1, 2, 3]])


@given(_pair(), st.data())
def test_gradients(case, data):
    x, shape = case
    gy, ggx = data.draw(kst.arrays(shape=shape)), data.draw(kst.arrays(shape=x.shape))
    to = lambda v: F.broadcast_to(v, shape)
    check_backward(to, x, gy)
    check_double_backward(to, x, gy, ggx)
    big = np.broadcast_to(x, shape).copy()
    back = lambda v: F.sum_to(v, x.shape)
    check_backward(back, big, ggx)
    check_double_backward(back, big, ggx, gy)


def test_incompatible_shapes_are_rejected():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^broadcast_to: argument 'x' expected a shape broadcastable to \(3, 3\), "
                                          r"got \(2, 3\)$"):
        F.broadcast_to(x, (3, 3))
    with pytest.raises(InvalidType, match=r"^broadcast_to: argument 'x' expected .* to \(3,\), got \(2, 3\)$"):
        F.broadcast_to(x, (3,))
    # The target of sum_to must broadcast to x's shape.
    with pytest.raises(InvalidType, match=r"^sum_to: .*\(2, 3\).*\(5,\)$"):
        F.sum_to(x, (5,))
    with pytest.raises(InvalidType, match=r"^sum_to: .*\(2, 3\).*\(1, 2, 3\)$"):
        F.sum_to(x, (1, 2, 3))
