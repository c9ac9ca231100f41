"""maximum, minimum (elementwise, two inputs)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.minmax_elementwise import maximum, minimum
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

FUNCS = {"maximum": (maximum, np.maximum), "minimum": (minimum, np.minimum)}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_forward_matches_numpy_with_broadcasting(name):
    func, ref = FUNCS[name]
    rng = np.random.default_rng(4)
    a = rng.normal(size=(2, 3)).astype(np.float32)
    b = rng.normal(size=(3,)).astype(np.float32)
    y = func(kusari.Variable(a), kusari.Variable(b))
    assert y.dtype == np.float32 and y.shape == (2, 3)
    np.testing.assert_array_equal(y.array, ref(a, b))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_gradient_goes_to_the_chosen_input_and_to_x1_on_ties(name):
    func, _ = FUNCS[name]
    a = kusari.Variable(np.array([1.0, 2.0, 3.0], np.float32))
    b = kusari.Variable(np.array([1.0, 1.0, 4.0], np.float32))
    y = func(a, b)
    y.grad = np.array([10.0, 20.0, 30.0], np.float32)
    y.backward()
    picked_a = (a.array >= b.array) if name == "maximum" else (a.array <= b.array)
    np.testing.assert_array_equal(a.grad, np.where(picked_a, y.grad, 0))
    np.testing.assert_array_equal(b.grad, np.where(picked_a, 0, y.grad))
    assert a.grad[0] == 10.0 and b.grad[0] == 0.0  # the tie
    assert a.grad.dtype == b.grad.dtype == np.float32


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_broadcast_gradient_is_summed_back(name):
    func, _ = FUNCS[name]
    a = kusari.Variable(np.zeros((2, 3), np.float32))
    b = kusari.Variable(np.array([5.0, -5.0, 5.0], np.float32))
    y = func(a, b)
    y.grad = np.ones((2, 3), np.float32)
    y.backward()
    b_wins = np.array([1.0, 0.0, 1.0]) if name == "maximum" else np.array([0.0, 1.0, 0.0])
    np.testing.assert_array_equal(b.grad, 2 * b_wins)
    np.testing.assert_array_equal(a.grad, np.broadcast_to(1 - b_wins, (2, 3)))


def _separated_pair():
    # x2 = x1 + offset with |offset| >= 0.1: never a tie, where the gradient jumps.
    return kst.broadcastable_pairs().flatmap(lambda shapes: st.tuples(
        kst.arrays(shape=shapes[0]),
        kst.arrays(shape=np.broadcast_shapes(*shapes), min_magnitude=0.1),
        kst.arrays(shape=np.broadcast_shapes(*shapes)), kst.arrays(shape=shapes[0])))


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(data=st.data())
def test_gradients(name, data):
    func, _ = FUNCS[name]
    x1, offset, gy, gg1 = data.draw(_separated_pair())
    x2 = np.asarray(x1 + offset)  # full broadcast shape, so x1 may be the one that broadcasts
    gg2 = np.ones_like(x2) * 0.5
    check_backward(func, (x1, x2), gy)
    check_double_backward(func, (x1, x2), gy, (gg1, gg2))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_mixed_dtypes_are_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x2' expected dtype float32 \(the dtype of 'x1'\), got float64$"):
        FUNCS[name][0](np.ones(3, np.float32), np.ones(3, np.float64))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_inputs_are_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x1' expected a floating-point dtype .*, got int32$"):
        FUNCS[name][0](np.ones(3, np.int32), np.ones(3, np.int32))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_shapes_that_do_not_broadcast_are_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x2' expected a shape that broadcasts with \(2, 3\)"):
        FUNCS[name][0](np.ones((2, 3), np.float32), np.ones(2, np.float32))
