"""depthwise_convolution_2d."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.connection.depthwise_convolution_2d import depthwise_convolution_2d
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, W, b, s, p):
    """Output channel c*M + m is channel c of x correlated with W[m, c]."""
    n, c, h, w = x.shape
    m, _, kh, kw = W.shape
    padded = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    oh, ow = (h + 2 * p[0] - kh) // s[0] + 1, (w + 2 * p[1] - kw) // s[1] + 1
    y = np.zeros((n, c * m, oh, ow))
    for ci in range(c):
        for mi in range(m):
            for i in range(oh):
                for j in range(ow):
                    patch = padded[:, ci, i * s[0]:i * s[0] + kh, j * s[1]:j * s[1] + kw]
                    y[:, ci * m + mi, i, j] = (patch * W[mi, ci]).sum(axis=(1, 2))
    return y if b is None else y + b[:, None, None]


@st.composite
def _problem(draw, dtype=np.float64):
    m, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    s = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    p = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    size = (draw(st.integers(k[0], 4)), draw(st.integers(k[1], 4)))
    x = draw(kst.arrays(shape=(draw(st.integers(1, 2)), c) + size, dtype=dtype))
    W = draw(kst.arrays(shape=(m, c) + k, dtype=dtype))
    b = draw(kst.arrays(shape=(c * m,), dtype=dtype)) if draw(st.booleans()) else None
    return x, W, b, s, p


@given(_problem())
def test_forward_matches_reference(problem):
    x, W, b, s, p = problem
    y = depthwise_convolution_2d(x, W, b, s, p)
    np.testing.assert_allclose(y.array, _reference(x, W, b, s, p), rtol=1e-12, atol=1e-12)


@given(_problem(dtype=np.float32))
def test_float32_is_kept(problem):
    x, W, b, s, p = problem
    y = depthwise_convolution_2d(x, W, b, s, p)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, _reference(x, W, b, s, p), rtol=1e-4, atol=1e-4)


@given(_problem(), st.data())
def test_gradients(problem, data):
    x, W, b, s, p = problem
    inputs = (x, W) if b is None else (x, W, b)
    func = lambda *args: depthwise_convolution_2d(*args, stride=s, pad=p)
    gy = data.draw(kst.arrays(shape=func(*inputs).shape))
    ggs = tuple(data.draw(kst.arrays(shape=a.shape)) for a in inputs)
    check_backward(func, inputs, gy)
    check_double_backward(func, inputs, gy, ggs)


def test_errors():
    x = np.ones((1, 3, 4, 4), np.float32)
    with pytest.raises(InvalidType, match=r"^depthwise_convolution_2d: argument 'x' expected 3 channels \(W.shape\[1\]; "
                                          r"W shape \(2, 3, 2, 2\)\), got shape \(1, 2, 4, 4\)$"):
        depthwise_convolution_2d(x[:, :2], np.ones((2, 3, 2, 2), np.float32))
    with pytest.raises(InvalidType, match=r"^depthwise_convolution_2d: argument 'x' expected 4 dimensions, got 3"):
        depthwise_convolution_2d(x[0], np.ones((2, 3, 2, 2), np.float32))
    with pytest.raises(InvalidType, match=r"^depthwise_convolution_2d: argument 'b' expected shape \(6,\) \(the output "
                                          r"channels\), got \(3,\)$"):
        depthwise_convolution_2d(x, np.ones((2, 3, 2, 2), np.float32), np.ones(3, np.float32))
    with pytest.raises(InvalidType, match=r"^depthwise_convolution_2d: argument 'W' expected dtype float32"):
        depthwise_convolution_2d(x, np.ones((2, 3, 2, 2)))
