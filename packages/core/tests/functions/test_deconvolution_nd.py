"""deconvolution_nd, deconvolution_1d, deconvolution_3d."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.connection.convolution_nd import convolution_nd
from kusari.functions.connection.deconvolution_nd import deconvolution_1d, deconvolution_3d, deconvolution_nd
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, W, b, s, p, outsize, d, groups):
    """Scatter every input pixel times its filter into the output, dropping what lands in the padding."""
    n, cin, *size = x.shape
    _, cog, *k = W.shape
    cig = cin // groups
    if outsize is None:
        outsize = [ss * (m - 1) + kk + (kk - 1) * (dd - 1) - 2 * pp for m, ss, kk, dd, pp in zip(size, s, k, d, p)]
    y = np.zeros((n, cog * groups, *outsize))
    for ci, pos, off in itertools.product(range(cin), itertools.product(*map(range, size)),
                                          itertools.product(*map(range, k))):
        g = ci // cig
        dst = tuple(q * ss + kk * dd - pp for q, ss, kk, dd, pp in zip(pos, s, off, d, p))
        if all(0 <= r < m for r, m in zip(dst, outsize)):
            for co in range(cog):
                y[(slice(None), g * cog + co) + dst] += x[(slice(None), ci) + pos] * W[(ci, co) + off]
    if b is not None:
        y += b.reshape((1, -1) + (1,) * len(outsize))
    return y


@st.composite
def _problem(draw, conv, ndim=None, dtype=np.float64):
    """A valid (x, W, b, stride, pad, outsize, dilate, groups), deconvolution_nd's argument order, with tiny shapes."""
    ndim = draw(st.integers(1, 3)) if ndim is None else ndim
    k = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    s = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    d = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    size = tuple(draw(st.integers(1, 3 if ndim < 3 else 2)) for _ in range(ndim))
    p, outsize, _ = conv.draw_deconv_pad_and_outsize(draw, size, s, k, d)
    x, W, b, groups = conv.draw_inputs(draw, size, k, dtype, transposed=True)
    return x, W, b, s, p, draw(st.sampled_from([None, outsize])), d, groups


@pytest.mark.parametrize(("dtype", "tol"), [(np.float64, 1e-12), (np.float32, 1e-4)])
@given(data=st.data())
def test_forward_matches_reference_and_keeps_the_dtype(conv, dtype, tol, data):
    conv.check_forward(deconvolution_nd, _reference, data.draw(_problem(conv, dtype=dtype)), tol=tol)


@given(data=st.data())
def test_is_the_adjoint_of_convolution(conv, data):
    # <conv(z, W), x> == <z, deconv(x, W)> for every z of the deconvolution's output shape.
    x, W, _, s, p, outsize, d, groups = data.draw(_problem(conv))
    y = deconvolution_nd(x, W, None, s, p, outsize, d, groups)
    z = data.draw(kst.arrays(shape=y.shape))
    cover_all = outsize is not None and convolution_nd(z, W, None, s, p, False, d, groups).shape != x.shape
    back = convolution_nd(z, W, None, s, p, cover_all, d, groups)
    assert back.shape == x.shape
    np.testing.assert_allclose((back.array * x).sum(), (z * y.array).sum(), rtol=1e-10, atol=1e-10)


@given(data=st.data())
def test_gradients(conv, data):
    x, W, b, s, p, outsize, d, groups = data.draw(_problem(conv))
    inputs = (x, W) if b is None else (x, W, b)
    conv.check_gradients(data, lambda *args: deconvolution_nd(*args, stride=s, pad=p, outsize=outsize, dilate=d,
                                                               groups=groups), inputs)


@pytest.mark.parametrize(("func", "ndim"), [(deconvolution_1d, 1), (deconvolution_3d, 3)])
@given(data=st.data())
def test_deconvolution_1d_and_3d_are_their_cases(conv, func, ndim, data):
    conv.check_forward(func, _reference, data.draw(_problem(conv, ndim=ndim)), tol=1e-12)


def test_rank_errors():
    with pytest.raises(InvalidType, match=r"^deconvolution_1d: argument 'x' expected 3 dimensions, got 4"):
        deconvolution_1d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)))
    with pytest.raises(InvalidType, match=r"^deconvolution_3d: argument 'W' expected 5 dimensions \(as 'x', shape "
                                          r"\(1, 1, 2, 2, 2\)\), got 4 \(shape \(1, 1, 2, 2\)\)$"):
        deconvolution_3d(np.ones((1, 1, 2, 2, 2)), np.ones((1, 1, 2, 2)))


def test_argument_errors():
    x = np.ones((1, 4, 3))
    with pytest.raises(InvalidType, match=r"^deconvolution_nd: argument 'x' expected 2 channels \(W.shape\[0\]; "
                                          r"W shape \(2, 1, 2\)\), got shape \(1, 4, 3\)$"):
        deconvolution_nd(x, np.ones((2, 1, 2)))
    with pytest.raises(InvalidType, match=r"^deconvolution_nd: argument 'groups' expected a divisor of the input "
                                          r"channels \(4\), got 3$"):
        deconvolution_nd(x, np.ones((4, 1, 2)), groups=3)
    with pytest.raises(InvalidType, match=r"^deconvolution_nd: argument 'b' expected shape \(2,\) \(the output "
                                          r"channels\), got \(1,\)$"):
        deconvolution_nd(x, np.ones((4, 1, 2)), np.ones(1), groups=2)
    with pytest.raises(InvalidType, match=r"^deconvolution_nd: argument 'outsize' expected sizes whose convolution "
                                          r"gives x's spatial size \(3,\) .*got \(7,\)$"):
        deconvolution_nd(x, np.ones((4, 1, 2)), outsize=(7,))
    with pytest.raises(InvalidType, match=r"^deconvolution_nd: argument 'pad' expected at most half the default "
                                          r"output size .*got \(2,\)$"):
        deconvolution_nd(x, np.ones((4, 1, 2)), pad=2)
