"""max_pooling_nd and its 1/2/3-d forms."""
import itertools

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import kusari
from kusari.functions.pooling.max_pooling_nd import (
    max_pooling_1d,
    max_pooling_2d,
    max_pooling_3d,
    max_pooling_nd,
)
from kusari.utils.type_check import InvalidType


def _reference(x, k, s, p, cover_all):
    """Window by window: the maximum and its row-major offset, -inf outside the input."""
    spatial = x.shape[2:]
    out = [(n + 2 * pi - ki + (si - 1 if cover_all else 0)) // si + 1
           for n, ki, si, pi in zip(spatial, k, s, p)]
    y = np.empty(x.shape[:2] + tuple(out), x.dtype)
    idx = np.empty(y.shape, np.int64)
    for pos in itertools.product(*map(range, out)):
        values = []
        for off in itertools.product(*map(range, k)):
            src = tuple(i * si + a - pi for i, si, a, pi in zip(pos, s, off, p))
            inside = all(0 <= c < n for c, n in zip(src, spatial))
            values.append(x[(Ellipsis,) + src] if inside else np.full(x.shape[:2], -np.inf))
        values = np.stack(values, axis=-1)
        y[(Ellipsis,) + pos] = values.max(axis=-1)
        idx[(Ellipsis,) + pos] = values.argmax(axis=-1)
    return y, idx


@st.composite
def _case(draw, max_dims=3):
    nd = draw(st.integers(1, max_dims))
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, ki)) for ki in k)  # s <= k: no window skips the input
    p = tuple(draw(st.integers(0, ki - 1)) for ki in k)
    spatial = tuple(draw(st.integers(ki, max(ki, 4))) for ki in k)
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + spatial
    # Distinct values, spaced far beyond the finite-difference step: no ties for the argmax.
    x = np.random.RandomState(draw(st.integers(0, 2 ** 16))).permutation(int(np.prod(shape)))
    return (x.reshape(shape) * 0.1 - 1.0), k, s, p, draw(st.booleans())


@given(_case())
def test_forward_and_indices_match_reference(case):
    x, k, s, p, cover_all = case
    x = x.astype(np.float32)
    y, idx = max_pooling_nd(x, k, s, p, cover_all, return_indices=True)
    ref_y, ref_idx = _reference(x, k, s, p, cover_all)
    assert y.dtype == np.float32 and idx.dtype == np.int64
    np.testing.assert_array_equal(y.array, ref_y)
    np.testing.assert_array_equal(idx, ref_idx)


def test_ties_go_to_the_first_maximum_in_row_major_order():
    x = np.zeros((1, 1, 2, 2), np.float32)
    y, idx = max_pooling_2d(x, 2, return_indices=True)
    assert idx.ravel().tolist() == [0]
    x[0, 0, 1, 0] = x[0, 0, 0, 1] = 1
    y, idx = max_pooling_2d(x, 2, return_indices=True)
    assert idx.ravel().tolist() == [1]


@given(case=_case(), data=st.data())
def test_gradients(drawn, case, data):
    x, k, s, p, cover_all = case
    func = lambda v: max_pooling_nd(v, k, s, p, cover_all)
    assume(np.isfinite(func(x).array).all())  # a window wholly in the padding has no input to differentiate
    drawn.check_gradients(data, func, (x,))


def test_gradient_goes_to_the_argmax_and_overlaps_add():
    v = kusari.Variable(np.array([[[0, 5, 1, 5.5, 0]]], np.float64))
    y = max_pooling_1d(v, 3, 1, cover_all=False)  # windows [0,5,1], [5,1,5.5], [1,5.5,0]
    y.grad = np.array([[[1.0, 10.0, 100.0]]])
    y.backward()
    np.testing.assert_array_equal(v.grad, [[[0, 1, 0, 110, 0]]])


def test_cover_all_output_sizes():
    x = np.zeros((1, 1, 5, 7), np.float32)
    assert max_pooling_2d(x, 2).shape == (1, 1, 3, 4)
    assert max_pooling_2d(x, 2, cover_all=False).shape == (1, 1, 2, 3)
    assert max_pooling_2d(x, 3, stride=2, pad=1).shape == (1, 1, 3, 4)
    assert max_pooling_2d(x, (2, 3), stride=(1, 2), cover_all=False).shape == (1, 1, 4, 3)


def test_stride_defaults_to_ksize_and_wrappers_equal_nd():
    rng = np.random.RandomState(0)
    for shape, func in (((2, 3, 7), max_pooling_1d), ((2, 3, 5, 6), max_pooling_2d), ((1, 2, 4, 5, 3), max_pooling_3d)):
        x = rng.randn(*shape).astype(np.float32)
        np.testing.assert_array_equal(func(x, 2).array, max_pooling_nd(x, 2, 2).array)
        y, idx = func(x, 3, 1, 1, False, True)
        ones = (1,) * (x.ndim - 2)
        ref_y, ref_idx = _reference(x, (3,) * (x.ndim - 2), ones, ones, False)
        np.testing.assert_array_equal(y.array, ref_y)
        np.testing.assert_array_equal(idx, ref_idx)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_kept(dtype):
    x = np.arange(16).reshape(1, 1, 4, 4).astype(dtype)
    y = max_pooling_2d(x, 3, 1, 1)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.array, _reference(x, (3, 3), (1, 1), (1, 1), True)[0])


def test_bad_inputs_are_rejected(pooling):
    x = np.zeros((1, 1, 3, 3), np.float32)
    pooling.check_rank_errors("max_pooling", (max_pooling_1d, max_pooling_2d, max_pooling_3d, max_pooling_nd), x,
                              np.zeros((3, 3), np.float32))
    with pytest.raises(InvalidType, match=r"^max_pooling_2d: argument 'x' expected a floating-point dtype .*got int64"):
        max_pooling_2d(np.zeros((1, 1, 3, 3), np.int64), 2)
    with pytest.raises(InvalidType, match=r"^max_pooling_2d: argument 'ksize' expected a positive int or a tuple of 2 "
                                          r"of them, got 0$"):
        max_pooling_2d(x, 0)
    with pytest.raises(InvalidType, match=r"^max_pooling_nd: argument 'ksize' expected a positive int or a tuple of 2 "
                                          r"of them, got \(2, 2, 2\)$"):
        max_pooling_nd(x, (2, 2, 2))
    with pytest.raises(InvalidType, match=r"^max_pooling_2d: argument 'stride' expected a positive int or a tuple of 2 "
                                          r"of them, got 1.5$"):
        max_pooling_2d(x, 2, 1.5)
    with pytest.raises(InvalidType, match=r"^max_pooling_2d: argument 'pad' expected a non-negative int or a tuple of "
                                          r"2 of them, got -1$"):
        max_pooling_2d(x, 2, pad=-1)
    with pytest.raises(InvalidType, match=r"^max_pooling_2d: argument 'x' expected spatial sizes of at least one "
                                          r"window .*got \(1, 1, 3, 3\)$"):
        max_pooling_2d(x, 4, cover_all=False)
