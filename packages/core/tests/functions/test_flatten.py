"""flatten."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.flatten import flatten
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst


@given(kst.arrays(shape=kst.shapes()))
def test_forward_matches_numpy(x):
    np.testing.assert_array_equal(flatten(x).array, x.ravel())


@given(kst.arrays(shape=kst.shapes()), st.data())
def test_gradients(x, data):
    gy = data.draw(kst.arrays(shape=(x.size,)))
    ggx = data.draw(kst.arrays(shape=x.shape))
    check_backward(flatten, x, gy)
    check_double_backward(flatten, x, gy, ggx)


def test_float32_gradient_and_non_contiguous_input():
    x = kusari.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    y = flatten(x.T)
    np.testing.assert_array_equal(y.array, [0, 3, 1, 4, 2, 5])
    y.grad = np.arange(6, dtype=np.float32)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [[0, 2, 4], [1, 3, 5]])
