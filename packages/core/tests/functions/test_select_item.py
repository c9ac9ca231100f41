"""select_item."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.select_item import select_item
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(kst.shapes(min_dims=2, max_dims=2), st.data())
def test_forward_matches_numpy_and_gradients(shape, data):
    x = data.draw(kst.arrays(shape=shape))
    t = data.draw(kst.arrays(shape=(shape[0],), dtype=np.int32, lo=0, hi=shape[1] - 1))
    expected = x[np.arange(shape[0]), t]
    np.testing.assert_array_equal(select_item(x, t).array, expected)
    gy, ggx = data.draw(kst.arrays(shape=expected.shape)), data.draw(kst.arrays(shape=shape))
    func = lambda v: select_item(v, t)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


def test_float32_gradient_lands_on_the_selected_items():
    x = kusari.Variable(np.zeros((2, 3), np.float32))
    y = select_item(x, kusari.Variable(np.array([2, 0], np.int32)))
    assert y.dtype == np.float32
    y.grad = np.array([1, 2], np.float32)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [[0, 0, 1], [2, 0, 0]])


def test_bad_inputs_are_rejected():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^select_item: argument 'x' expected 2 dimensions, got 1 \(shape \(3,\)\)$"):
        select_item(np.ones(3, np.float32), np.zeros(3, np.int32))
    with pytest.raises(InvalidType, match=r"^select_item: argument 't' expected an integer dtype \(e.g. int32\), "
                                          r"got float32$"):
        select_item(x, np.zeros(2, np.float32))
    with pytest.raises(InvalidType, match=r"^select_item: argument 't' expected shape \(2,\) \(the batch size of x\), "
                                          r"got \(3,\)$"):
        select_item(x, np.zeros(3, np.int32))
    with pytest.raises(InvalidType, match=r"^select_item: argument 't' expected values in \[0, 3\), "
                                          r"got values in \[-1, 3\]$"):
        select_item(x, np.array([-1, 3], np.int32))
