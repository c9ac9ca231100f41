"""spatial_pyramid_pooling_2d."""
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kusari.functions.pooling.spatial_pyramid_pooling_2d import spatial_pyramid_pooling_2d
from kusari.testing import check_backward
from kusari.utils.type_check import InvalidType


def _reference(x, height):
    """Level l: bins of ceil(size / 2**l) centred by half the remainder, as many as cover the image."""
    n, c, h, w = x.shape
    levels = []
    for level in range(height):
        bins = 2 ** level
        kh, kw = math.ceil(h / bins), math.ceil(w / bins)
        ph, pw = (kh * bins - h) // 2, (kw * bins - w) // 2
        rows = range(-ph, h + ph, kh)
        cols = range(-pw, w + pw, kw)
        out = np.full((n, c, len(rows), len(cols)), -np.inf)
        for i, r in enumerate(rows):
            for j, q in enumerate(cols):
                patch = x[:, :, max(r, 0):r + kh, max(q, 0):q + kw]
                if patch.size:
                    out[:, :, i, j] = patch.max(axis=(2, 3))
        levels.append(out.reshape(n, -1))
    return np.concatenate(levels, axis=1)[:, :, None, None]


@st.composite
def _case(draw):
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 6)), draw(st.integers(1, 6)))
    x = np.random.RandomState(draw(st.integers(0, 2 ** 16))).permutation(int(np.prod(shape)))
    return x.reshape(shape) * 0.1, draw(st.integers(1, 3))


@given(_case())
def test_forward_matches_reference(case):
    x, height = case
    y = spatial_pyramid_pooling_2d(x.astype(np.float32), height, "max")
    assert y.dtype == np.float32
    ref = _reference(x.astype(np.float32), height)
    assert y.shape == ref.shape
    np.testing.assert_array_equal(y.array, ref)


def test_power_of_two_images_give_a_fixed_length():
    x = np.random.RandomState(0).randn(2, 3, 8, 12).astype(np.float32)
    y = spatial_pyramid_pooling_2d(x, 3)  # pooling=None means 'max'
    assert y.shape == (2, 3 * (1 + 4 + 16), 1, 1)
    np.testing.assert_array_equal(y.array[:, :3, 0, 0], x.max(axis=(2, 3)))


@given(_case())
def test_gradients(case):
    x, height = case
    func = lambda v: spatial_pyramid_pooling_2d(v, height)
    # Small images leave some bins wholly in the padding (-inf, as in Chainer): nothing to differentiate.
    assume(np.isfinite(func(x).array).all())
    gy = np.random.RandomState(1).randn(*func(x).shape)
    check_backward(func, (x,), gy)


def test_bad_inputs_are_rejected():
    x = np.zeros((1, 1, 4, 4), np.float32)
    with pytest.raises(InvalidType, match=r"^spatial_pyramid_pooling_2d: argument 'x' expected 4 dimensions, got 3"):
        spatial_pyramid_pooling_2d(x[0], 2)
    with pytest.raises(InvalidType, match=r"^spatial_pyramid_pooling_2d: argument 'x' expected a floating-point"):
        spatial_pyramid_pooling_2d(x.astype(np.int32), 2)
    with pytest.raises(InvalidType, match=r"^spatial_pyramid_pooling_2d: argument 'pyramid_height' expected a "
                                          r"positive int, got 0$"):
        spatial_pyramid_pooling_2d(x, 0)
    with pytest.raises(InvalidType, match=r"^spatial_pyramid_pooling_2d: argument 'pooling' expected 'max' \(or "
                                          r"None\), got 'average'$"):
        spatial_pyramid_pooling_2d(x, 2, "average")
