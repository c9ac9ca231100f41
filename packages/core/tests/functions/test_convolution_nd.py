"""convolution_nd, convolution_1d, convolution_3d."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.connection.convolution_nd import convolution_1d, convolution_3d, convolution_nd
from kusari.functions.math.sum import sum as ksum
from kusari.testing import check_backward
from kusari.utils.type_check import InvalidType


def _reference(x, W, b, s, p, cover_all, d, groups):
    """Output position by output position, straight from the definition (zeros outside the input)."""
    n, c, *size = x.shape
    o, cg, *k = W.shape
    og = o // groups
    span = [kk + (kk - 1) * (dd - 1) for kk, dd in zip(k, d)]
    out = [(m + 2 * pp - sp + (ss - 1 if cover_all else 0)) // ss + 1 for m, pp, sp, ss in zip(size, p, span, s)]
    y = np.zeros((n, o, *out))
    for oc, pos in itertools.product(range(o), itertools.product(*map(range, out))):
        g = oc // og
        for ci, off in itertools.product(range(cg), itertools.product(*map(range, k))):
            src = [q * ss + kk * dd - pp for q, ss, kk, dd, pp in zip(pos, s, off, d, p)]
            if all(0 <= r < m for r, m in zip(src, size)):
                y[(slice(None), oc) + pos] += W[(oc, ci) + off] * x[(slice(None), g * cg + ci) + tuple(src)]
    if b is not None:
        y += b.reshape((1, o) + (1,) * len(out))
    return y


@st.composite
def _problem(draw, conv, ndim=None, dtype=np.float64):
    """A valid (x, W, b, stride, pad, cover_all, dilate, groups), convolution_nd's argument order, with tiny shapes."""
    ndim = draw(st.integers(1, 3)) if ndim is None else ndim
    k = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    s = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    p = tuple(draw(st.integers(0, 1)) for _ in range(ndim))
    d = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    max_side = 5 if ndim < 3 else 3
    size = tuple(draw(st.integers(kk + (kk - 1) * (dd - 1), max_side)) for kk, dd in zip(k, d))
    x, W, b, groups = conv.draw_inputs(draw, size, k, dtype)
    return x, W, b, s, p, draw(st.booleans()), d, groups


@pytest.mark.parametrize(("dtype", "tol"), [(np.float64, 1e-12), (np.float32, 1e-4)])
@given(data=st.data())
def test_forward_matches_reference_and_keeps_the_dtype(conv, dtype, tol, data):
    conv.check_forward(convolution_nd, _reference, data.draw(_problem(conv, dtype=dtype)), tol=tol)


@given(data=st.data())
def test_gradients(conv, data):
    x, W, b, s, p, cover_all, d, groups = data.draw(_problem(conv))
    inputs = (x, W) if b is None else (x, W, b)
    conv.check_gradients(data, lambda *args: convolution_nd(*args, stride=s, pad=p, cover_all=cover_all, dilate=d,
                                                             groups=groups), inputs)


def test_third_order_gradient_through_the_weight_gradient_node():
    # z = sum(conv(x, W)^3) with 1x1 shapes is (xW)^3: d^3z/dx^3 = 6 W^3.
    x = kusari.Variable(np.array([[[2.0]]]))
    W = kusari.Variable(np.array([[[3.0]]]))
    y = convolution_1d(x, W)
    g1, = kusari.grad([ksum(y * y * y)], [W], enable_double_backprop=True)  # 3 x^3 W^2
    g2, = kusari.grad([ksum(g1)], [x], enable_double_backprop=True)  # 9 x^2 W^2
    g3, = kusari.grad([ksum(g2)], [x])  # 18 x W^2
    np.testing.assert_allclose([g1.array.item(), g2.array.item(), g3.array.item()], [216.0, 324.0, 324.0])


@pytest.mark.parametrize(("func", "ndim"), [(convolution_1d, 1), (convolution_3d, 3)])
@given(data=st.data())
def test_convolution_1d_and_3d_are_their_cases(conv, func, ndim, data):
    conv.check_forward(func, _reference, data.draw(_problem(conv, ndim=ndim)), tol=1e-12)


def test_rank_errors():
    with pytest.raises(InvalidType, match=r"^convolution_1d: argument 'x' expected 3 dimensions, got 4 "
                                          r"\(shape \(1, 1, 3, 3\)\)$"):
        convolution_1d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)))
    with pytest.raises(InvalidType, match=r"^convolution_3d: argument 'x' expected 5 dimensions, got 4"):
        convolution_3d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)))
    with pytest.raises(InvalidType, match=r"^convolution_nd: argument 'x' expected at least 3 dimensions, got 2"):
        convolution_nd(np.ones((1, 3)), np.ones((1, 1, 2)))
    with pytest.raises(InvalidType, match=r"^convolution_nd: argument 'W' expected 5 dimensions \(as 'x', shape "
                                          r"\(1, 1, 3, 3, 3\)\), got 4 \(shape \(1, 1, 2, 2\)\)$"):
        convolution_nd(np.ones((1, 1, 3, 3, 3)), np.ones((1, 1, 2, 2)))


def test_argument_errors():
    x = np.ones((1, 4, 5), np.float32)
    W = np.ones((2, 4, 2), np.float32)
    with pytest.raises(InvalidType, match=r"^convolution_nd: argument 'stride' expected a positive int or a tuple of "
                                          r"1 of them, got \(1, 1\)$"):
        convolution_nd(x, W, stride=(1, 1))
    with pytest.raises(InvalidType, match=r"^convolution_nd: argument 'x' expected 2 channels \(W.shape\[1\] \* groups; "
                                          r"W shape \(2, 1, 2\), groups 2\), got shape \(1, 4, 5\)$"):
        convolution_nd(x, np.ones((2, 1, 2), np.float32), groups=2)
    with pytest.raises(InvalidType, match=r"^convolution_nd: argument 'groups' expected a divisor of the input channels "
                                          r"\(4\) and of the output channels \(2\), got 4$"):
        convolution_nd(x, np.ones((2, 1, 2), np.float32), groups=4)
    with pytest.raises(InvalidType, match=r"^convolution_nd: argument 'x' expected spatial size at least the dilated "
                                          r"kernel's \(ksize \(2,\), dilate \(5,\), pad \(0,\)\), got shape \(1, 4, 5\)$"):
        convolution_nd(x, W, dilate=5)


@pytest.mark.parametrize("shape", [(1, 2, 9), (6, 2, 2), (3, 4, 3, 2)])
def test_both_input_gradient_layouts(shape):
    # Long output rows take the (N, C, ...) col2im, short rows with a large
    # batch the channels-last one: both must be the adjoint of the forward.
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    W = rng.standard_normal((4, shape[1] // 2) + (2,) * (len(shape) - 2))
    gy_shape = convolution_nd(x, W, stride=2, pad=1, groups=2).shape
    check_backward(lambda *a: convolution_nd(*a, stride=2, pad=1, groups=2), (x, W), rng.standard_normal(gy_shape))
