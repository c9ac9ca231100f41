"""resize_images."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.array.resize_images import resize_images
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, out_shape, mode, align_corners):
    """Pixel by pixel: sample each output pixel from its (up to) four input neighbours."""
    n, c, h, w = x.shape
    out = np.empty((n, c) + out_shape)
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            if mode == "nearest":
                py, px = min(int(i * h / out_shape[0]), h - 1), min(int(j * w / out_shape[1]), w - 1)
            elif align_corners:
                py = i * (h - 1) / (out_shape[0] - 1) if out_shape[0] > 1 else 0.0
                px = j * (w - 1) / (out_shape[1] - 1) if out_shape[1] > 1 else 0.0
            else:
                py = max((i + 0.5) * h / out_shape[0] - 0.5, 0.0)
                px = max((j + 0.5) * w / out_shape[1] - 0.5, 0.0)
            y0, x0 = int(np.floor(py)), int(np.floor(px))
            y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
            fy, fx = py - y0, px - x0
            out[:, :, i, j] = ((1 - fy) * (1 - fx) * x[:, :, y0, x0] + (1 - fy) * fx * x[:, :, y0, x1]
                               + fy * (1 - fx) * x[:, :, y1, x0] + fy * fx * x[:, :, y1, x1])
    return out


@st.composite
def _case(draw, dtype=np.float64):
    shape = tuple(draw(st.integers(1, 3)) for _ in range(4))
    out_shape = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return (draw(kst.arrays(shape=shape, dtype=dtype)), out_shape,
            draw(st.sampled_from(["bilinear", "nearest"])), draw(st.booleans()))


@given(_case(dtype=np.float32))
def test_forward_matches_reference(case):
    x, out_shape, mode, align = case
    y = resize_images(x, out_shape, mode=mode, align_corners=align)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _reference(x.astype(np.float64), out_shape, mode, align),
                               rtol=1e-5, atol=1e-6)


def test_values_checked_against_chainer():
    x = np.arange(6, dtype=np.float32).reshape(1, 1, 2, 3)
    # Chainer 7.8.1 output for these calls.
    np.testing.assert_allclose(resize_images(x, (3, 5)).array[0, 0],
                               [[0, .5, 1, 1.5, 2], [1.5, 2, 2.5, 3, 3.5], [3, 3.5, 4, 4.5, 5]])
    np.testing.assert_allclose(resize_images(x, (2, 2), align_corners=False).array[0, 0],
                               [[.25, 1.75], [3.25, 4.75]])
    np.testing.assert_array_equal(resize_images(x, (4, 2), mode="nearest").array[0, 0],
                                  [[0, 1], [0, 1], [3, 4], [3, 4]])


@given(case=_case(), data=st.data())
def test_gradients(case, data):
    x, out_shape, mode, align = case
    func = lambda v: resize_images(v, out_shape, mode=mode, align_corners=align)
    gy = data.draw(kst.arrays(shape=x.shape[:2] + out_shape))
    gg = data.draw(kst.arrays(shape=x.shape))
    check_backward(func, (x,), gy)
    check_double_backward(lambda v: func(v * v), (x,), gy, (gg,))


def test_bad_inputs_are_rejected():
    x = np.zeros((1, 1, 2, 2), np.float32)
    with pytest.raises(InvalidType, match=r"^resize_images: argument 'x' expected 4 dimensions, got 3"):
        resize_images(np.zeros((1, 2, 2)), (3, 3))
    with pytest.raises(InvalidType, match=r"^resize_images: argument 'x' expected a floating-point dtype .*got int64$"):
        resize_images(np.zeros((1, 1, 2, 2), np.int64), (3, 3))
    with pytest.raises(InvalidType, match=r"^resize_images: argument 'output_shape' expected a pair of positive ints "
                                          r"\(out_H, out_W\), got \(0, 3\)$"):
        resize_images(x, (0, 3))
    with pytest.raises(InvalidType, match=r"^resize_images: argument 'output_shape' expected .*got 3$"):
        resize_images(x, 3)
    with pytest.raises(InvalidType, match=r"^resize_images: argument 'mode' expected 'bilinear' or 'nearest', "
                                          r"got 'bicubic'$"):
        resize_images(x, (3, 3), mode="bicubic")
