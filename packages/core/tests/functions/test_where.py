"""where."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import kusari
from kusari.functions.array.where import where
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _case(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4)).input_shapes
    condition = draw(hnp.arrays(np.bool_, shapes[0]))
    return condition, draw(kst.arrays(shape=shapes[1])), draw(kst.arrays(shape=shapes[2]))


@given(_case(), st.data())
def test_forward_matches_numpy_and_gradients(case, data):
    condition, x, y = case
    expected = np.where(condition, x, y)
    np.testing.assert_array_equal(where(condition, x, y).array, expected)
    gz = data.draw(kst.arrays(shape=expected.shape))
    ggs = (data.draw(kst.arrays(shape=x.shape)), data.draw(kst.arrays(shape=y.shape)))
    func = lambda a, b: where(condition, a, b)
    check_backward(func, (x, y), gz)
    check_double_backward(func, (x, y), gz, ggs)


def test_float32_gradients_go_to_the_chosen_side():
    x = kusari.Variable(np.zeros(3, np.float32))
    y = kusari.Variable(np.zeros(3, np.float32))
    z = where(kusari.Variable(np.array([True, False, True])), x, y)
    assert z.dtype == np.float32
    z.grad = np.array([1, 2, 3], np.float32)
    z.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [1, 0, 3])
    np.testing.assert_array_equal(y.grad, [0, 2, 0])


def test_bad_inputs_are_rejected():
    c, a = np.array([True, False]), np.ones(2, np.float32)
    with pytest.raises(InvalidType, match=r"^where: argument 'condition' expected a bool dtype, got int64$"):
        where(np.array([1, 0]), a, a)
    with pytest.raises(InvalidType, match=r"^where: argument 'y' expected dtype float32 \(the dtype of 'x'\), "
                                          r"got float64$"):
        where(c, a, np.ones(2))
    with pytest.raises(InvalidType, match=r"^where: argument 'y' expected a Variable or array, got float$"):
        where(c, a, 1.0)
    with pytest.raises(InvalidType, match=r"^where: argument 'condition, x, y' expected shapes that broadcast "
                                          r"together, got \(2,\), \(2,\), \(3,\)$"):
        where(c, a, np.ones(3, np.float32))
