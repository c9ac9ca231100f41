"""im2col."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.array.im2col import im2col
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, k, s, p, d, cover_all):
    """Patch by patch, from the documented layout, reading zeros outside the image."""
    n, c, h, w = x.shape

    def out(size, k, s, p, d):
        span = k + (k - 1) * (d - 1)
        return (size + 2 * p - span + (s - 1 if cover_all else 0)) // s + 1

    oh, ow = out(h, k[0], s[0], p[0], d[0]), out(w, k[1], s[1], p[1], d[1])
    y = np.zeros((n, c * k[0] * k[1], oh, ow))
    for ci in range(c):
        for dy in range(k[0]):
            for dx in range(k[1]):
                for i in range(oh):
                    for j in range(ow):
                        r, q = i * s[0] + dy * d[0] - p[0], j * s[1] + dx * d[1] - p[1]
                        if 0 <= r < h and 0 <= q < w:
                            y[:, (ci * k[0] + dy) * k[1] + dx, i, j] = x[:, ci, r, q]
    return y


@st.composite
def _case(draw, dtype=np.float64):
    k = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    s = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    p = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)),
             draw(st.integers(3, 4)), draw(st.integers(3, 4)))
    return draw(kst.arrays(shape=shape, dtype=dtype)), k, s, p, d, draw(st.booleans())


@given(_case(dtype=np.float32))
def test_forward_matches_reference(case):
    x, k, s, p, d, cover_all = case
    y = im2col(x, k, s, p, cover_all, d)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.array, _reference(x, k, s, p, d, cover_all).astype(np.float32))


def test_int_arguments_and_a_chainer_value():
    x = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    # Chainer 7.8.1: im2col(x, 2, stride=2, pad=1, cover_all=True) has shape (1, 4, 3, 3).
    y = im2col(x, 2, stride=2, pad=1, cover_all=True)
    assert y.shape == (1, 4, 3, 3)
    np.testing.assert_array_equal(y.array[0, 3], [[0, 2, 0], [6, 8, 0], [0, 0, 0]])


@given(case=_case(), data=st.data())
def test_gradients(case, data):
    x, k, s, p, d, cover_all = case
    func = lambda v: im2col(v, k, s, p, cover_all, d)
    gy = data.draw(kst.arrays(shape=func(x).shape))
    gg = data.draw(kst.arrays(shape=x.shape))
    check_backward(func, (x,), gy)
    check_double_backward(lambda v: func(v * v), (x,), gy, (gg,))


def test_bad_inputs_are_rejected():
    x = np.zeros((1, 1, 3, 3))
    with pytest.raises(InvalidType, match=r"^im2col: argument 'x' expected 4 dimensions, got 2"):
        im2col(np.zeros((3, 3)), 2)
    with pytest.raises(InvalidType, match=r"^im2col: argument 'ksize' expected a positive int or a pair of them, "
                                          r"got 0$"):
        im2col(x, 0)
    with pytest.raises(InvalidType, match=r"^im2col: argument 'stride' expected a positive int or a pair of them, "
                                          r"got \(1, 2, 3\)$"):
        im2col(x, 2, stride=(1, 2, 3))
    with pytest.raises(InvalidType, match=r"^im2col: argument 'pad' expected a non-negative int or a pair of them, "
                                          r"got -1$"):
        im2col(x, 2, pad=-1)
    with pytest.raises(InvalidType, match=r"^im2col: argument 'dilate' expected a positive int or a pair of them, "
                                          r"got 1.5$"):
        im2col(x, 2, dilate=1.5)
    with pytest.raises(InvalidType, match=r"^im2col: argument 'x' expected an image at least as large as the dilated "
                                          r"kernel .*got \(1, 1, 3, 3\)$"):
        im2col(x, 4)
