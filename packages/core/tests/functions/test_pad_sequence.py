"""pad_sequence."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.array.pad_sequence import pad_sequence
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _sequences(draw, dtype=np.float64):
    rest = draw(kst.shapes(max_dims=2))
    lengths = draw(st.lists(st.integers(0, 4), min_size=1, max_size=3))
    return [draw(kst.arrays(shape=(n,) + rest, dtype=dtype)) for n in lengths]


@given(_sequences(dtype=np.float32), st.integers(0, 2), st.sampled_from([0, -1.5]))
def test_forward_matches_numpy(xs, extra, padding):
    length = max(len(x) for x in xs) + extra
    y = pad_sequence(xs, length=length, padding=padding)
    expected = np.full((len(xs), length) + xs[0].shape[1:], padding, np.float32)
    for i, x in enumerate(xs):
        expected[i, :len(x)] = x
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.array, expected)
    np.testing.assert_array_equal(pad_sequence(xs, padding=padding).array, expected[:, :max(len(x) for x in xs)])


@given(xs=_sequences(), data=st.data())
def test_gradients(xs, data):
    func = lambda *vs: pad_sequence(list(vs), length=4, padding=1.0)
    gy = data.draw(kst.arrays(shape=func(*xs).shape))
    ggs = tuple(data.draw(kst.arrays(shape=x.shape)) for x in xs)
    check_backward(func, tuple(xs), gy)
    check_double_backward(func, tuple(xs), gy, ggs)


def test_bad_inputs_are_rejected():
    with pytest.raises(InvalidType, match=r"^pad_sequence: argument 'xs' expected a list or tuple of "
                                          r"Variables or arrays, got ndarray$"):
        pad_sequence(np.zeros((2, 2)))
    with pytest.raises(InvalidType, match=r"^pad_sequence: argument 'xs' expected at least one array, "
                                          r"got an empty sequence$"):
        pad_sequence([])
    with pytest.raises(InvalidType, match=r"^pad_sequence: argument 'length' expected None or an int at least "
                                          r"the longest sequence \(3\), got 2$"):
        pad_sequence([np.zeros(3)], length=2)
    with pytest.raises(InvalidType, match=r"^pad_sequence: argument 'xs\[1\]' expected shape \(\*, 2\) "
                                          r"\(the shape of xs\[0\] except on axis 0\), got \(1, 3\)$"):
        pad_sequence([np.zeros((2, 2)), np.zeros((1, 3))])
    with pytest.raises(InvalidType, match=r"^pad_sequence: argument 'xs\[1\]' expected dtype float64 "
                                          r"\(the dtype of 'xs\[0\]'\), got float32$"):
        pad_sequence([np.zeros(2), np.zeros(2, np.float32)])
    with pytest.raises(InvalidType, match=r"^pad_sequence: argument 'xs\[0\]' expected at least 1 dimensions"):
        pad_sequence([np.zeros(())])
