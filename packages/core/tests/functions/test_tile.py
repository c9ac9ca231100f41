"""tile."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.tile import tile
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reps():
    return st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), min_size=0, max_size=4).map(tuple))


@given(kst.arrays(shape=kst.shapes()), _reps(), st.data())
def test_forward_matches_numpy_and_gradients(x, reps, data):
    expected = np.tile(x, reps)
    y = tile(x, reps)
    assert y.shape == expected.shape
    np.testing.assert_array_equal(y.array, expected)
    gy, ggx = data.draw(kst.arrays(shape=expected.shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: tile(v, reps)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


def test_float32_gradient_sums_the_copies():
    x = kusari.Variable(np.zeros(2, np.float32))
    y = tile(x, (2, 2))
    assert y.shape == (2, 4) and y.dtype == np.float32
    y.grad = np.arange(8, dtype=np.float32).reshape(2, 4)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [0 + 2 + 4 + 6, 1 + 3 + 5 + 7])


@pytest.mark.parametrize("reps", [-1, (1, -2), 1.5, (True,), "2"])
def test_bad_reps_are_rejected(reps):
    with pytest.raises(InvalidType, match=r"^tile: argument 'reps' expected a non-negative int or a tuple of them, "
                                          r"got "):
        tile(np.ones(2, np.float32), reps)
