"""broadcast (several inputs to their common shape)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import kusari
from kusari.functions.array.broadcast_all import broadcast
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4), st.data())
def test_forward_matches_numpy_and_gradients(shapes, data):
    xs = tuple(data.draw(kst.arrays(shape=s)) for s in shapes.input_shapes)
    ys = broadcast(*xs)
    for y, e in zip(ys, np.broadcast_arrays(*xs)):
        np.testing.assert_array_equal(y.array, e)
    gys = tuple(data.draw(kst.arrays(shape=shapes.result_shape)) for _ in xs)
    ggs = tuple(data.draw(kst.arrays(shape=x.shape)) for x in xs)
    check_backward(broadcast, xs, gys)
    check_double_backward(broadcast, xs, gys, ggs)


def test_single_input_gives_a_variable_and_float32_gradients_are_summed():
    a = kusari.Variable(np.zeros((2, 1), np.float32))
    assert isinstance(broadcast(a), kusari.Variable)
    ya, yb = broadcast(a, np.zeros(3, np.float32))
    assert ya.shape == yb.shape == (2, 3) and ya.dtype == np.float32
    ya.grad = np.arange(6, dtype=np.float32).reshape(2, 3)
    ya.backward()
    assert a.grad.dtype == np.float32
    np.testing.assert_array_equal(a.grad, [[3], [12]])


def test_bad_inputs_are_rejected():
    with pytest.raises(InvalidType, match=r"^broadcast: argument 'args' expected shapes that broadcast together, "
                                          r"got \(2,\), \(3,\)$"):
        broadcast(np.ones(2), np.ones(3))
    with pytest.raises(InvalidType, match=r"^broadcast: argument 'args' expected at least one Variable or array, "
                                          r"got none$"):
        broadcast()
