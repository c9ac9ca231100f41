"""transpose_sequence."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.transpose_sequence import transpose_sequence
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _sequences(draw, dtype=np.float64):
    rest = draw(kst.shapes(max_dims=2))
    lengths = sorted(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)), reverse=True)
    return [draw(kst.arrays(shape=(n,) + rest, dtype=dtype)) for n in lengths]


@given(_sequences(dtype=np.float32))
def test_forward_matches_numpy(xs):
    ys = transpose_sequence(xs)
    assert len(ys) == len(xs[0])
    for t, y in enumerate(ys):
        expected = np.array([x[t] for x in xs if len(x) > t])
        assert y.dtype == np.float32
        np.testing.assert_array_equal(y.array, expected)
    back = transpose_sequence([y.array for y in ys])
    for x, b in zip(xs, back, strict=True):
        np.testing.assert_array_equal(b.array, x)


def test_missing_output_gradient_counts_as_zero():
    a = kusari.Variable(np.array([1., 2.], np.float32))
    b = kusari.Variable(np.array([3.], np.float32))
    y0, y1 = transpose_sequence([a, b])
    y1.grad = np.array([5.], np.float32)
    y1.backward()
    np.testing.assert_array_equal(a.grad, [0., 5.])
    np.testing.assert_array_equal(b.grad, [0.])


@given(xs=_sequences(), data=st.data())
def test_gradients(xs, data):
    out_shapes = [y.shape for y in transpose_sequence(xs)]
    gys = tuple(data.draw(kst.arrays(shape=s)) for s in out_shapes)
    ggs = tuple(data.draw(kst.arrays(shape=x.shape)) for x in xs)
    func = lambda *vs: transpose_sequence(list(vs))
    check_backward(func, tuple(xs), gys)
    check_double_backward(func, tuple(xs), gys, ggs)


def test_empty_list_gives_empty_tuple():
    assert transpose_sequence([]) == ()


def test_bad_inputs_are_rejected():
    with pytest.raises(InvalidType, match=r"^transpose_sequence: argument 'xs' expected a list or tuple of "
                                          r"Variables or arrays, got ndarray$"):
        transpose_sequence(np.zeros((2, 2)))
    with pytest.raises(InvalidType, match=r"^transpose_sequence: argument 'xs' expected sequences sorted by "
                                          r"decreasing length, got length 3 after 1 at xs\[1\]$"):
        transpose_sequence([np.zeros(1), np.zeros(3)])
    with pytest.raises(InvalidType, match=r"^transpose_sequence: argument 'xs\[1\]' expected shape \(\*, 2\) "
                                          r"\(the shape of xs\[0\] except on axis 0\), got \(1, 3\)$"):
        transpose_sequence([np.zeros((2, 2)), np.zeros((1, 3))])
    with pytest.raises(InvalidType, match=r"^transpose_sequence: argument 'xs\[0\]' expected at least 1 "
                                          r"dimensions, got 0"):
        transpose_sequence([np.zeros(())])
