"""average_pooling_nd and its 1/2/3-d forms."""
import inspect
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.pooling.average_pooling_nd import (
    average_pooling_1d,
    average_pooling_2d,
    average_pooling_3d,
    average_pooling_nd,
)
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, k, s, p, pad_value):
    """Window by window; padding is a zero (pad_value 0) or left out (None)."""
    spatial = x.shape[2:]
    out = [(n + 2 * pi - ki) // si + 1 for n, ki, si, pi in zip(spatial, k, s, p)]
    y = np.empty(x.shape[:2] + tuple(out))
    for pos in itertools.product(*map(range, out)):
        total, count = np.zeros(x.shape[:2]), 0
        for off in itertools.product(*map(range, k)):
            src = tuple(i * si + a - pi for i, si, a, pi in zip(pos, s, off, p))
            if all(0 <= c < n for c, n in zip(src, spatial)):
                total += x[(Ellipsis,) + src]
                count += 1
        y[(Ellipsis,) + pos] = total / (count if pad_value is None else np.prod(k))
    return y


@st.composite
def _case(draw, dtype=np.float64):
    nd = draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    p = tuple(draw(st.integers(0, ki - 1)) for ki in k)
    spatial = tuple(draw(st.integers(ki, max(ki, 4))) for ki in k)
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + spatial
    return draw(kst.arrays(shape=shape, dtype=dtype)), k, s, p, draw(st.sampled_from([0, None]))


@given(_case(dtype=np.float32))
def test_forward_matches_reference(case):
    x, k, s, p, pad_value = case
    y = average_pooling_nd(x, k, s, p, pad_value)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _reference(x, k, s, p, pad_value), rtol=1e-5, atol=1e-6)


@given(case=_case(), data=st.data())
def test_gradients(drawn, case, data):
    x, k, s, p, pad_value = case
    drawn.check_gradients(data, lambda v: average_pooling_nd(v, k, s, p, pad_value), (x,), linear=True)


def test_pad_value_none_leaves_padding_out_of_the_count():
    x = np.array([[[[1, 2], [3, 4]]]], np.float32)
    np.testing.assert_allclose(average_pooling_nd(x, 2, 1, 1).array[0, 0], [[0.25, 0.75, 0.5],
                                                                            [1.0, 2.5, 1.5],
                                                                            [0.75, 1.75, 1.0]])
    np.testing.assert_allclose(average_pooling_nd(x, 2, 1, 1, pad_value=None).array[0, 0], [[1, 1.5, 2],
                                                                                           [2, 2.5, 3],
                                                                                           [3, 3.5, 4]])


def test_2d_has_no_cover_all_and_counts_padding():
    assert list(inspect.signature(average_pooling_2d).parameters) == ["x", "ksize", "stride", "pad"]
    x = np.ones((1, 1, 5, 5), np.float32)
    y = average_pooling_2d(x, 2)
    assert y.shape == (1, 1, 2, 2)  # (5 - 2) // 2 + 1: the last row and column are not covered
    y = average_pooling_2d(x, 3, 2, 1)
    np.testing.assert_allclose(y.array[0, 0], [[4 / 9, 6 / 9, 4 / 9], [6 / 9, 1, 6 / 9], [4 / 9, 6 / 9, 4 / 9]])


def test_wrappers_equal_nd():
    rng = np.random.RandomState(0)
    for shape, func in (((2, 3, 7), average_pooling_1d), ((1, 2, 4, 5, 3), average_pooling_3d)):
        x = rng.randn(*shape).astype(np.float32)
        np.testing.assert_array_equal(func(x, 2).array, average_pooling_nd(x, 2, 2).array)
        np.testing.assert_array_equal(func(x, 2, 1, 1, None).array, average_pooling_nd(x, 2, 1, 1, None).array)
    x = rng.randn(2, 3, 5, 4).astype(np.float32)
    np.testing.assert_array_equal(average_pooling_2d(x, 3, 2, 1).array, average_pooling_nd(x, 3, 2, 1).array)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_kept(dtype):
    x = np.arange(16).reshape(1, 1, 4, 4).astype(dtype)
    for pad_value in (0, None):
        y = average_pooling_nd(x, 3, 1, 1, pad_value)
        assert y.dtype == dtype
        np.testing.assert_allclose(y.array, _reference(x, (3, 3), (1, 1), (1, 1), pad_value), rtol=1e-3)


def test_bad_inputs_are_rejected(pooling):
    x = np.zeros((1, 1, 3, 3), np.float32)
    pooling.check_rank_errors("average_pooling", (average_pooling_1d, average_pooling_2d, average_pooling_3d,
                                                  average_pooling_nd), x, np.zeros(3, np.float32))
    with pytest.raises(InvalidType, match=r"^average_pooling_nd: argument 'x' expected a floating-point dtype"):
        average_pooling_nd(np.zeros((1, 1, 3), np.int32), 2)
    with pytest.raises(InvalidType, match=r"^average_pooling_nd: argument 'pad_value' expected 0 or None, got 1$"):
        average_pooling_nd(x, 2, pad_value=1)
    with pytest.raises(InvalidType, match=r"^average_pooling_2d: argument 'ksize' expected a positive int or a tuple "
                                          r"of 2 of them, got \(2,\)$"):
        average_pooling_2d(x, (2,))
    with pytest.raises(InvalidType, match=r"^average_pooling_2d: argument 'stride' expected a positive int or a tuple "
                                          r"of 2 of them, got 0$"):
        average_pooling_2d(x, 2, 0)
    with pytest.raises(InvalidType, match=r"^average_pooling_2d: argument 'pad' expected a non-negative int or a "
                                          r"tuple of 2 of them, got \(0, -1\)$"):
        average_pooling_2d(x, 2, 1, (0, -1))
    with pytest.raises(InvalidType, match=r"^average_pooling_2d: argument 'x' expected spatial sizes of at least one "
                                          r"window .*got \(1, 1, 3, 3\)$"):
        average_pooling_2d(x, 4)
