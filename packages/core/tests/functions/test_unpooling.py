"""unpooling_nd and its 1/2/3-d forms."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.pooling.max_pooling_nd import max_pooling_nd
from kusari.functions.pooling.unpooling_nd import unpooling_1d, unpooling_2d, unpooling_3d, unpooling_nd
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _default_outsize(small, k, s, p, cover_all):
    return tuple(si * (n - 1) + ki - 2 * pi - (si - 1 if cover_all else 0)
                 for n, ki, si, pi in zip(small, k, s, p))


def _reference(x, k, s, p, outsize):
    """Element by element: add x[i] to every output position of window i that lies inside."""
    y = np.zeros(x.shape[:2] + tuple(outsize), x.dtype)
    for pos in itertools.product(*map(range, x.shape[2:])):
        for off in itertools.product(*map(range, k)):
            dst = tuple(i * si + a - pi for i, si, a, pi in zip(pos, s, off, p))
            if all(0 <= c < n for c, n in zip(dst, outsize)):
                y[(Ellipsis,) + dst] += x[(Ellipsis,) + pos]
    return y


@st.composite
def _case(draw, dtype=np.float64):
    nd = draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    p = tuple(draw(st.integers(0, ki - 1)) for ki in k)
    small = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    cover_all = draw(st.booleans())
    default = _default_outsize(small, k, s, p, cover_all)
    # The outsize argument may be any size whose pooling gives back `small`.
    candidates = [[n for n in range(1, d + 2 * si + 1)
                   if (n + 2 * pi - ki + (si - 1 if cover_all else 0)) // si + 1 == m]
                  for d, m, ki, si, pi in zip(default, small, k, s, p)]
    if any(not c for c in candidates) or min(default) < 1:
        outsize = None
    else:
        outsize = draw(st.one_of(st.none(), st.tuples(*[st.sampled_from(c) for c in candidates])))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + small
    return draw(kst.arrays(shape=shape, dtype=dtype)), k, s, p, outsize, cover_all


@given(_case(dtype=np.float32))
def test_forward_matches_reference(case):
    x, k, s, p, outsize, cover_all = case
    target = outsize if outsize is not None else _default_outsize(x.shape[2:], k, s, p, cover_all)
    if min(target) < 1:
        with pytest.raises(InvalidType, match="expected spatial sizes giving a positive output size"):
            unpooling_nd(x, k, s, p, outsize, cover_all)
        return
    y = unpooling_nd(x, k, s, p, outsize, cover_all)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _reference(x, k, s, p, target), rtol=1e-6)


@given(case=_case(), data=st.data())
def test_gradients(drawn, case, data):
    x, k, s, p, outsize, cover_all = case
    target = outsize if outsize is not None else _default_outsize(x.shape[2:], k, s, p, cover_all)
    if min(target) < 1:
        return
    drawn.check_gradients(data, lambda v: unpooling_nd(v, k, s, p, outsize, cover_all), (x,), linear=True)


def test_unpooling_inverts_the_shape_of_pooling():
    x = np.zeros((1, 1, 7, 5), np.float32)
    for cover_all in (True, False):
        y = max_pooling_nd(x, 3, 2, 1, cover_all)
        assert max_pooling_nd(unpooling_2d(y, 3, 2, 1, cover_all=cover_all), 3, 2, 1, cover_all).shape == y.shape
        assert unpooling_2d(y, 3, 2, 1, outsize=(7, 5), cover_all=cover_all).shape == x.shape


def test_default_2d_copies_each_value_over_its_window():
    x = np.array([[[[1, 2], [3, 4]]]], np.float32)
    y = unpooling_2d(x, 2, cover_all=False)
    np.testing.assert_array_equal(y.array[0, 0], [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    # cover_all: the last window may reach past the edge, so the smallest matching output is one shorter.
    assert unpooling_2d(x, 2).shape == (1, 1, 3, 3)


def test_wrappers_equal_nd():
    rng = np.random.RandomState(0)
    for shape, func in (((2, 3, 3), unpooling_1d), ((1, 2, 2, 3), unpooling_2d), ((1, 2, 2, 1, 3), unpooling_3d)):
        x = rng.randn(*shape).astype(np.float32)
        np.testing.assert_array_equal(func(x, 2).array, unpooling_nd(x, 2, 2).array)
        np.testing.assert_array_equal(func(x, 3, 2, 1, cover_all=False).array,
                                      unpooling_nd(x, 3, 2, 1, cover_all=False).array)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_kept(dtype):
    x = np.arange(4).reshape(1, 1, 2, 2).astype(dtype)
    y = unpooling_2d(x, 3, 2, 1, cover_all=False)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.array, _reference(x, (3, 3), (2, 2), (1, 1), (3, 3)))


def test_bad_inputs_are_rejected(pooling):
    x = np.zeros((1, 1, 2, 2), np.float32)
    pooling.check_rank_errors("unpooling", (unpooling_1d, unpooling_2d, unpooling_3d, unpooling_nd), x,
                              np.zeros((2, 2), np.float32))
    with pytest.raises(InvalidType, match=r"^unpooling_2d: argument 'x' expected a floating-point dtype"):
        unpooling_2d(np.zeros((1, 1, 2, 2), np.int32), 2)
    with pytest.raises(InvalidType, match=r"^unpooling_2d: argument 'ksize' expected a positive int or a tuple of 2 "
                                          r"of them, got -2$"):
        unpooling_2d(x, -2)
    with pytest.raises(InvalidType, match=r"^unpooling_2d: argument 'outsize' expected a positive int or a tuple of 2 "
                                          r"of them, got \(4,\)$"):
        unpooling_2d(x, 2, outsize=(4,))
    with pytest.raises(InvalidType, match=r"^unpooling_2d: argument 'x' expected spatial shape \(3, 3\) \(what "
                                          r"pooling outsize \(6, 6\) gives\), got \(2, 2\)$"):
        unpooling_2d(x, 2, outsize=(6, 6))
    with pytest.raises(InvalidType, match=r"^unpooling_2d: argument 'x' expected spatial sizes giving a positive "
                                          r"output size .*got \(1, 1, 1, 1\)$"):
        unpooling_2d(np.zeros((1, 1, 1, 1), np.float32), 2, pad=1, cover_all=False)
