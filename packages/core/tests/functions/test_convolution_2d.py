"""convolution_2d."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.connection.convolution_2d import convolution_2d
from kusari.utils.type_check import InvalidType


def _reference(x, W, b, s, p, d, cover_all, groups):
    """Pixel by pixel from the definition: zero-pad generously, then read each patch."""
    n, c, h, w = x.shape
    o, cg, kh, kw = W.shape
    og = o // groups

    def out(size, k, s, p, d):
        span = k + (k - 1) * (d - 1)
        return (size + 2 * p - span + (s - 1 if cover_all else 0)) // s + 1

    oh, ow = out(h, kh, s[0], p[0], d[0]), out(w, kw, s[1], p[1], d[1])
    padded = np.zeros((n, c, h + 2 * p[0] + s[0] + kh * d[0], w + 2 * p[1] + s[1] + kw * d[1]))
    padded[:, :, p[0]:p[0] + h, p[1]:p[1] + w] = x
    y = np.zeros((n, o, oh, ow))
    for oc in range(o):
        g = oc // og
        for i in range(oh):
            for j in range(ow):
                patch = padded[:, g * cg:(g + 1) * cg,
                               i * s[0]:i * s[0] + kh * d[0]:d[0], j * s[1]:j * s[1] + kw * d[1]:d[1]]
                y[:, oc, i, j] = (patch * W[oc]).sum(axis=(1, 2, 3))
    return y if b is None else y + b[:, None, None]


@st.composite
def _problem(draw, conv):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    p = (draw(st.integers(0, 2)), draw(st.integers(0, 1)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    size = tuple(draw(st.integers(kk + (kk - 1) * (dd - 1), 5)) for kk, dd in zip(k, d))
    x, W, b, groups = conv.draw_inputs(draw, size, k, np.float64)
    return x, W, b, s, p, d, draw(st.booleans()), groups


@given(data=st.data())
def test_forward_matches_reference(conv, data):
    x, W, b, s, p, d, cover_all, groups = data.draw(_problem(conv))
    y = convolution_2d(x, W, b, s, p, cover_all, dilate=d, groups=groups)
    expected = _reference(x, W, b, s, p, d, cover_all, groups)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_kept(dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5, 4)).astype(dtype)
    W = rng.standard_normal((4, 3, 2, 3)).astype(dtype)
    b = rng.standard_normal(4).astype(dtype)
    y = convolution_2d(x, W, b, stride=(2, 1), pad=1)
    assert y.dtype == dtype
    tol = 1e-2 if dtype == np.float16 else 1e-5
    np.testing.assert_allclose(y.array, _reference(x.astype(float), W.astype(float), b.astype(float), (2, 1), (1, 1),
                                                   (1, 1), False, 1), rtol=tol, atol=tol)
    xv, Wv = kusari.Variable(x), kusari.Variable(W)
    y = convolution_2d(xv, Wv, b)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert xv.grad.dtype == Wv.grad.dtype == dtype


def test_int_arguments_and_cover_all():
    x = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    W = np.ones((1, 1, 2, 2), np.float32)
    # 5 pixels, kernel 2, stride 2: 2 outputs, or 3 with cover_all (the last reads the zero padding).
    assert convolution_2d(x, W, stride=2).shape == (1, 1, 2, 2)
    y = convolution_2d(x, W, stride=2, cover_all=True)
    assert y.shape == (1, 1, 3, 3)
    np.testing.assert_array_equal(y.array[0, 0, 2], [20 + 21, 22 + 23, 24])


@given(data=st.data())
def test_gradients(conv, data):
    x, W, b, s, p, d, cover_all, groups = data.draw(_problem(conv))
    inputs = (x, W) if b is None else (x, W, b)
    conv.check_gradients(data, lambda *args: convolution_2d(*args, stride=s, pad=p, cover_all=cover_all, dilate=d,
                                                             groups=groups), inputs)


def test_dilate_and_groups_are_keyword_only():
    x, W = np.ones((1, 2, 4, 4)), np.ones((2, 1, 2, 2))
    with pytest.raises(TypeError):
        convolution_2d(x, W, None, 1, 0, False, 1, 2)
    assert convolution_2d(x, W, groups=2).shape == (1, 2, 3, 3)


def test_shape_errors():
    x = np.ones((1, 3, 5, 5), np.float32)
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'x' expected 4 dimensions, got 3 "
                                          r"\(shape \(3, 5, 5\)\)$"):
        convolution_2d(x[0], np.ones((2, 3, 2, 2), np.float32))
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'W' expected 4 dimensions \(as 'x', shape "
                                          r"\(1, 3, 5, 5\)\), got 3 \(shape \(2, 3, 2\)\)$"):
        convolution_2d(x, np.ones((2, 3, 2), np.float32))
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'x' expected 2 channels \(W.shape\[1\] \* groups; "
                                          r"W shape \(4, 2, 2, 2\), groups 1\), got shape \(1, 3, 5, 5\)$"):
        convolution_2d(x, np.ones((4, 2, 2, 2), np.float32))
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'groups' expected a divisor of the input channels "
                                          r"\(3\) and of the output channels \(4\), got 2$"):
        convolution_2d(x, np.ones((4, 1, 2, 2), np.float32), groups=2)
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'groups' expected a positive int, got 0$"):
        convolution_2d(x, np.ones((4, 3, 2, 2), np.float32), groups=0)
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'b' expected shape \(4,\) \(the output "
                                          r"channels\), got \(3,\)$"):
        convolution_2d(x, np.ones((4, 3, 2, 2), np.float32), np.ones(3, np.float32))
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'x' expected spatial size at least the dilated "
                                          r"kernel's \(ksize \(6, 2\), dilate \(1, 1\), pad \(0, 0\)\), "
                                          r"got shape \(1, 3, 5, 5\)$"):
        convolution_2d(x, np.ones((4, 3, 6, 2), np.float32))


def test_argument_and_dtype_errors():
    x = np.ones((1, 3, 5, 5), np.float32)
    W = np.ones((4, 3, 2, 2), np.float32)
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'W' expected dtype float32 \(the dtype of 'x'\), "
                                          r"got float64$"):
        convolution_2d(x, W.astype(np.float64))
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'b' expected dtype float32 \(the dtype of 'x'\), "
                                          r"got float64$"):
        convolution_2d(x, W, np.ones(4))
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'x' expected a floating-point dtype .*got int64$"):
        convolution_2d(x.astype(np.int64), W.astype(np.int64))
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'stride' expected a positive int or a pair of "
                                          r"them, got 0$"):
        convolution_2d(x, W, stride=0)
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'pad' expected a non-negative int or a pair of "
                                          r"them, got \(1, -1\)$"):
        convolution_2d(x, W, pad=(1, -1))
    with pytest.raises(InvalidType, match=r"^convolution_2d: argument 'dilate' expected a positive int or a pair of "
                                          r"them, got 1.5$"):
        convolution_2d(x, W, dilate=1.5)
