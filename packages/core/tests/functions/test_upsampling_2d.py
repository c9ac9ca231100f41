"""upsampling_2d, the inverse of max_pooling_2d(return_indices=True)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.pooling.max_pooling_nd import max_pooling_2d
from kusari.functions.pooling.upsampling_2d import upsampling_2d
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, indexes, k, s, p, outsize):
    """Value by value: add x[i] at offset indexes[i] of window i when that lies inside the output."""
    y = np.zeros(x.shape[:2] + tuple(outsize), x.dtype)
    n, c, oh, ow = x.shape
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    dy, dx = divmod(int(indexes[b, ch, i, j]), k[1])
                    r, q = i * s[0] + dy - p[0], j * s[1] + dx - p[1]
                    if 0 <= r < outsize[0] and 0 <= q < outsize[1]:
                        y[b, ch, r, q] += x[b, ch, i, j]
    return y


@st.composite
def _case(draw, dtype=np.float64):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, k[0] - 1)), draw(st.integers(0, k[1] - 1)))
    outsize = (draw(st.integers(k[0], 4)), draw(st.integers(k[1], 4)))
    cover_all = draw(st.booleans())
    small = tuple((n + 2 * pi - ki + (si - 1 if cover_all else 0)) // si + 1
                  for n, ki, si, pi in zip(outsize, k, s, p))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + small
    x = draw(kst.arrays(shape=shape, dtype=dtype))
    indexes = draw(kst.arrays(shape=shape, dtype=np.int64, lo=0, hi=k[0] * k[1] - 1))
    return x, indexes, k, s, p, outsize, cover_all


@given(_case(dtype=np.float32))
def test_forward_matches_reference(case):
    x, indexes, k, s, p, outsize, cover_all = case
    y = upsampling_2d(x, indexes, k, s, p, outsize, cover_all)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _reference(x, indexes, k, s, p, outsize), rtol=1e-6)


@given(case=_case(), data=st.data())
def test_gradients(case, data):
    x, indexes, k, s, p, outsize, cover_all = case
    func = lambda v: upsampling_2d(v, indexes, k, s, p, outsize, cover_all)
    gy = data.draw(kst.arrays(shape=func(x).shape))
    gg = data.draw(kst.arrays(shape=x.shape))
    check_backward(func, (x,), gy)
    # Linear: squaring the input first makes the second derivative non-trivial.
    check_double_backward(lambda v: func(v * v), (x,), gy, (gg,))


def test_round_trip_puts_each_maximum_back_in_place():
    rng = np.random.RandomState(0)
    x = rng.permutation(2 * 3 * 6 * 5).reshape(2, 3, 6, 5).astype(np.float32)
    y, indexes = max_pooling_2d(x, 2, return_indices=True)
    up = upsampling_2d(y, indexes, 2, outsize=(6, 5))
    # Non-overlapping windows: every window maximum is back where it was, all else is 0.
    kept = up.array != 0
    np.testing.assert_array_equal(up.array[kept], x[kept])
    assert kept.sum() == y.size
    np.testing.assert_array_equal(max_pooling_2d(up, 2).array, y.array)
    # Without outsize the output is the smallest size that pools back to y's shape (cover_all).
    assert upsampling_2d(y, indexes, 2).shape == (2, 3, 5, 5)


def test_bad_inputs_are_rejected():
    x = np.zeros((1, 1, 2, 2), np.float32)
    idx = np.zeros((1, 1, 2, 2), np.int64)
    with pytest.raises(InvalidType, match=r"^upsampling_2d: argument 'x' expected 4 dimensions, got 3"):
        upsampling_2d(np.zeros((1, 2, 2), np.float32), idx[0], 2)
    with pytest.raises(InvalidType, match=r"^upsampling_2d: argument 'indexes' expected an integer dtype"):
        upsampling_2d(x, idx.astype(np.float32), 2)
    with pytest.raises(InvalidType, match=r"^upsampling_2d: argument 'indexes' expected shape \(1, 1, 2, 2\) \(the "
                                          r"shape of 'x'\), got \(1, 1, 2, 1\)$"):
        upsampling_2d(x, idx[..., :1], 2)
    with pytest.raises(InvalidType, match=r"^upsampling_2d: argument 'indexes' expected offsets in \[0, 4\), got "
                                          r"values in \[0, 4\]$"):
        upsampling_2d(x, idx + np.array([0, 4]), 2)
    with pytest.raises(InvalidType, match=r"^upsampling_2d: argument 'x' expected spatial shape \(4, 4\) \(what "
                                          r"pooling outsize \(8, 8\) gives\), got \(2, 2\)$"):
        upsampling_2d(x, idx, 2, outsize=(8, 8))
