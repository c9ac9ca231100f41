"""deconvolution_2d."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.connection.convolution_2d import convolution_2d
from kusari.functions.connection.deconvolution_2d import deconvolution_2d
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, W, b, s, p, d, groups, outsize):
    """Stamp each input pixel's weighted filter into a big zero canvas, then crop the padding."""
    n, cin, h, w = x.shape
    _, cog, kh, kw = W.shape
    cig = cin // groups
    canvas = np.zeros((n, cog * groups, (h - 1) * s[0] + kh * d[0] + s[0], (w - 1) * s[1] + kw * d[1] + s[1]))
    for ci in range(cin):
        g = ci // cig
        for i in range(h):
            for j in range(w):
                stamp = x[:, ci, i, j, None, None, None] * W[ci]  # (n, cog, kh, kw)
                canvas[:, g * cog:(g + 1) * cog,
                       i * s[0]:i * s[0] + kh * d[0]:d[0], j * s[1]:j * s[1] + kw * d[1]:d[1]] += stamp
    y = canvas[:, :, p[0]:p[0] + outsize[0], p[1]:p[1] + outsize[1]]
    return y if b is None else y + b[:, None, None]


@st.composite
def _problem(draw, conv):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    size = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p, outsize, extra = conv.draw_deconv_pad_and_outsize(draw, size, s, k, d)
    x, W, b, groups = conv.draw_inputs(draw, size, k, np.float64, transposed=True)
    return x, W, b, s, p, d, groups, outsize, not any(extra) and draw(st.booleans())


@given(data=st.data())
def test_forward_matches_reference(conv, data):
    x, W, b, s, p, d, groups, outsize, default = data.draw(_problem(conv))
    y = deconvolution_2d(x, W, b, s, p, None if default else outsize, dilate=d, groups=groups)
    expected = _reference(x, W, b, s, p, d, groups, outsize)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


@given(data=st.data())
def test_is_the_adjoint_of_convolution_2d(conv, data):
    x, W, _, s, p, d, groups, outsize, _ = data.draw(_problem(conv))
    y = deconvolution_2d(x, W, None, s, p, outsize, dilate=d, groups=groups)
    z = data.draw(kst.arrays(shape=y.shape))
    back = convolution_2d(z, W, None, s, p, False, dilate=d, groups=groups)
    if back.shape != x.shape:  # outsize took the extra row/column that only cover_all reads
        back = convolution_2d(z, W, None, s, p, True, dilate=d, groups=groups)
    np.testing.assert_allclose((back.array * x).sum(), (z * y.array).sum(), rtol=1e-10, atol=1e-10)


@given(data=st.data())
def test_gradients(conv, data):
    x, W, b, s, p, d, groups, outsize, _ = data.draw(_problem(conv))
    inputs = (x, W) if b is None else (x, W, b)
    conv.check_gradients(data, lambda *args: deconvolution_2d(*args, stride=s, pad=p, outsize=outsize, dilate=d,
                                                               groups=groups), inputs)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_dtype_is_kept(dtype):
    x = kusari.Variable(np.ones((1, 2, 3, 3), dtype))
    W = kusari.Variable(np.ones((2, 1, 2, 2), dtype))
    y = deconvolution_2d(x, W, stride=2, pad=1, outsize=(5, 5))
    assert y.dtype == dtype and y.shape == (1, 1, 5, 5)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert x.grad.dtype == W.grad.dtype == dtype


def test_dilate_and_groups_are_keyword_only():
    with pytest.raises(TypeError):
        deconvolution_2d(np.ones((1, 2, 3, 3)), np.ones((2, 1, 2, 2)), None, 1, 0, None, 1, 2)


def test_errors():
    x = np.ones((1, 2, 3, 3), np.float32)
    W = np.ones((2, 3, 2, 2), np.float32)
    with pytest.raises(InvalidType, match=r"^deconvolution_2d: argument 'x' expected 4 dimensions, got 3"):
        deconvolution_2d(x[0], W)
    with pytest.raises(InvalidType, match=r"^deconvolution_2d: argument 'x' expected 3 channels \(W.shape\[0\]; "
                                          r"W shape \(3, 3, 2, 2\)\), got shape \(1, 2, 3, 3\)$"):
        deconvolution_2d(x, np.ones((3, 3, 2, 2), np.float32))
    with pytest.raises(InvalidType, match=r"^deconvolution_2d: argument 'groups' expected a divisor of the input "
                                          r"channels \(2\), got 3$"):
        deconvolution_2d(x, W, groups=3)
    with pytest.raises(InvalidType, match=r"^deconvolution_2d: argument 'W' expected dtype float32"):
        deconvolution_2d(x, W.astype(np.float64))
    # stride 2, kernel 2, 3 pixels: outsize 6 (default), 5 or 7 (with cover_all) convolve back to 3; 4 and 8 do not.
    assert deconvolution_2d(x, W, stride=2, outsize=(7, 5)).shape == (1, 3, 7, 5)
    for bad in [(4, 6), (6, 8)]:
        with pytest.raises(InvalidType, match=r"^deconvolution_2d: argument 'outsize' expected sizes whose convolution "
                                              r"gives x's spatial size \(3, 3\) \(stride \(2, 2\), pad \(0, 0\), "
                                              rf"ksize \(2, 2\), dilate \(1, 1\)\), got \({bad[0]}, {bad[1]}\)$"):
            deconvolution_2d(x, W, stride=2, outsize=bad)
    with pytest.raises(InvalidType, match=r"^deconvolution_2d: argument 'outsize' expected a positive int or a pair "
                                          r"of them, got \(6, 0\)$"):
        deconvolution_2d(x, W, stride=2, outsize=(6, 0))
