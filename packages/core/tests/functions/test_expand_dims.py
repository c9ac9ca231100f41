"""expand_dims."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.expand_dims import expand_dims
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _case():
    return kst.shapes().flatmap(lambda s: st.tuples(kst.arrays(shape=s), st.integers(-len(s) - 1, len(s))))


@given(_case())
def test_forward_matches_numpy(case):
    x, axis = case
    y = expand_dims(x, axis)
    np.testing.assert_array_equal(y.array, np.expand_dims(x, axis))
    assert y.shape == np.expand_dims(x, axis).shape


@given(_case(), st.data())
def test_gradients(drawn, case, data):
    x, axis = case
    drawn.check_gradients(data, lambda v: expand_dims(v, axis), (x,))


def test_float32_gradient():
    x = kusari.Variable(np.ones((2, 3), np.float32))
    y = expand_dims(x, 0)
    assert y.dtype == np.float32
    y.grad = np.arange(6, dtype=np.float32).reshape(1, 2, 3)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.arange(6).reshape(2, 3))


def test_bad_axis_is_rejected():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^expand_dims: argument 'axis' expected an axis in \[-3, 2\] for a "
                                          r"3-dimensional output, got 3$"):
        expand_dims(x, 3)
    with pytest.raises(InvalidType, match=r"^expand_dims: argument 'axis' expected an int, got 1.0$"):
        expand_dims(x, 1.0)
