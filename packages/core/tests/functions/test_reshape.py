"""reshape."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _reshape_case(draw):
    """(x, new shape): a random refactoring of x's size, possibly with one -1."""
    x = draw(kst.arrays(shape=kst.shapes()))
    size = x.size
    factors = []
    rest = size
    for _ in range(draw(st.integers(0, 3))):
        f = draw(st.sampled_from([d for d in range(1, rest + 1) if rest % d == 0]))
        factors.append(f)
        rest //= f
    shape = factors + [rest]
    draw(st.randoms()).shuffle(shape)
    if draw(st.booleans()):
        shape[draw(st.integers(0, len(shape) - 1))] = -1
    return x, tuple(shape)


@given(_reshape_case())
def test_forward_matches_numpy(case):
    x, shape = case
    y = F.reshape(x, shape)
    np.testing.assert_array_equal(y.array, x.reshape(shape))


def test_variable_method_forms_and_float32():
    x = kusari.Variable(np.arange(6, dtype=np.float32))
    assert x.reshape(2, 3).shape == (2, 3) and x.reshape((3, 2)).shape == (3, 2)
    assert F.reshape(x, 6) is x   # same shape: no new node
    y = F.reshape(x, (3, -1))
    y.grad = np.arange(6, dtype=np.float32).reshape(3, 2)
    y.backward()
    assert y.dtype == x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.arange(6))


@given(_reshape_case(), st.data())
def test_gradients(case, data):
    x, shape = case
    gy, ggx = data.draw(kst.arrays(shape=x.reshape(shape).shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: F.reshape(v, shape)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


def test_size_mismatch_is_rejected():
    x = np.ones((2, 3, 4), np.float32)
    with pytest.raises(InvalidType, match=r"^reshape: argument 'x' expected 25 elements to fit shape \(25,\), "
                                          r"got 24 elements \(shape \(2, 3, 4\)\)$"):
        F.reshape(x, (25,))
    with pytest.raises(InvalidType, match=r"^reshape: argument 'x' expected a multiple of 5 elements to fit shape "
                                          r"\(5, -1\), got 24 elements \(shape \(2, 3, 4\)\)$"):
        F.reshape(x, (5, -1))
    with pytest.raises(InvalidType, match=r"^reshape: argument 'shape' expected at most one -1, got \(-1, -1\)$"):
        F.reshape(x, (-1, -1))
