"""squeeze."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.squeeze import squeeze
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _case(draw):
    """(x, axis) with axis None, or an int/tuple naming only axes of length 1."""
    shape = draw(kst.shapes(max_side=2))
    x = draw(kst.arrays(shape=shape))
    ones = [i for i, s in enumerate(shape) if s == 1]
    axis = None
    if ones and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(ones), min_size=1, unique=True))
        chosen = [a - len(shape) if draw(st.booleans()) else a for a in chosen]
        axis = chosen[0] if len(chosen) == 1 and draw(st.booleans()) else tuple(chosen)
    return x, axis


@given(_case())
def test_forward_matches_numpy(case):
    x, axis = case
    y = squeeze(x, axis)
    assert y.shape == np.squeeze(x, axis).shape
    np.testing.assert_array_equal(y.array, np.squeeze(x, axis))


@given(_case(), st.data())
def test_gradients(drawn, case, data):
    x, axis = case
    drawn.check_gradients(data, lambda v: squeeze(v, axis), (x,))


def test_float32_gradient():
    x = kusari.Variable(np.ones((1, 3, 1), np.float32))
    y = squeeze(x)
    assert y.shape == (3,) and y.dtype == np.float32
    y.grad = np.arange(3, dtype=np.float32)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.arange(3).reshape(1, 3, 1))


def test_bad_axes_are_rejected():
    x = np.ones((1, 2, 1), np.float32)
    with pytest.raises(InvalidType, match=r"^squeeze: argument 'axis' expected axes of length 1, got axis 1 of "
                                          r"length 2 \(shape \(1, 2, 1\)\)$"):
        squeeze(x, axis=1)
    with pytest.raises(InvalidType, match=r"^squeeze: argument 'axis' expected axes in \[-3, 2\] .*, got 3$"):
        squeeze(x, axis=3)
    with pytest.raises(InvalidType, match=r"^squeeze: argument 'axis' expected None, an int or a tuple of ints, "
                                          r"got \[0\]$"):
        squeeze(x, axis=[0])
