"""depth2space and space2depth."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.array.depth2space import depth2space, space2depth
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference_to_space(x, r):
    """Element by element from the documented rule: out[n, c, h*r+i, w*r+j] = x[n, (i*r+j)*C + c, h, w]."""
    n, crr, h, w = x.shape
    c = crr // (r * r)
    out = np.empty((n, c, h * r, w * r), x.dtype)
    for i in range(r):
        for j in range(r):
            out[:, :, i::r, j::r] = x[:, (i * r + j) * c:(i * r + j + 1) * c]
    return out


@st.composite
def _depth(draw, dtype=np.float64):
    r = draw(st.integers(1, 2))
    n, c, h, w = (draw(st.integers(1, 2)) for _ in range(4))
    return draw(kst.arrays(shape=(n, c * r * r, h, w), dtype=dtype)), r


@given(_depth(dtype=np.float32))
def test_forward_matches_reference_and_round_trips(case):
    x, r = case
    y = depth2space(x, r)
    assert y.dtype == np.float32
    expected = _reference_to_space(x, r)
    np.testing.assert_array_equal(y.array, expected)
    back = space2depth(expected, r)
    assert back.dtype == np.float32
    np.testing.assert_array_equal(back.array, x)


def test_chainer_channel_layout():
    # Checked against Chainer 7.8.1: input channel (i*2 + j)*2 + c becomes pixel (i, j) of output channel c.
    x = np.arange(8, dtype=np.float32).reshape(1, 8, 1, 1)
    np.testing.assert_array_equal(depth2space(x, 2).array[0, 1], [[1, 3], [5, 7]])


@given(case=_depth(), data=st.data())
def test_gradients(case, data):
    x, r = case
    y_shape = _reference_to_space(x, r).shape
    gy = data.draw(kst.arrays(shape=y_shape))
    gg = data.draw(kst.arrays(shape=x.shape))
    check_backward(lambda v: depth2space(v, r), (x,), gy)
    check_double_backward(lambda v: depth2space(v * v, r), (x,), gy, (gg,))
    z = _reference_to_space(x, r)
    check_backward(lambda v: space2depth(v, r), (z,), gg)
    check_double_backward(lambda v: space2depth(v * v, r), (z,), gg, (gy,))


def test_bad_inputs_are_rejected():
    with pytest.raises(InvalidType, match=r"^depth2space: argument 'r' expected a positive int, got 0$"):
        depth2space(np.zeros((1, 4, 1, 1)), 0)
    with pytest.raises(InvalidType, match=r"^space2depth: argument 'r' expected a positive int, got 1.5$"):
        space2depth(np.zeros((1, 4, 2, 2)), 1.5)
    with pytest.raises(InvalidType, match=r"^depth2space: argument 'X' expected 4 dimensions, got 3"):
        depth2space(np.zeros((4, 1, 1)), 2)
    with pytest.raises(InvalidType, match=r"^depth2space: argument 'X' expected a channel count divisible by "
                                          r"r\*r = 4, got \(1, 6, 1, 1\)$"):
        depth2space(np.zeros((1, 6, 1, 1)), 2)
    with pytest.raises(InvalidType, match=r"^space2depth: argument 'X' expected height and width divisible by "
                                          r"r = 2, got \(1, 1, 2, 3\)$"):
        space2depth(np.zeros((1, 1, 2, 3)), 2)
    with pytest.raises(InvalidType, match=r"^space2depth: argument 'X' expected 4 dimensions, got 2"):
        space2depth(np.zeros((2, 2)), 2)
