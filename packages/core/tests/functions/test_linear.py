"""linear."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.functions.connection.linear import LinearFunction
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _problem(draw, with_bias=None, batch_dims=1, max_feature_dims=1):
    """(x, W, b or None, n_batch_axes) for a valid linear call."""
    batch = draw(kst.shapes(min_dims=batch_dims, max_dims=batch_dims, max_side=3))
    features = draw(kst.shapes(min_dims=1, max_dims=max_feature_dims, max_side=3))
    in_size = int(np.prod(features))
    out_size = draw(st.integers(1, 4))
    x = draw(kst.arrays(shape=batch + features))
    W = draw(kst.arrays(shape=(out_size, in_size)))
    use_bias = draw(st.booleans()) if with_bias is None else with_bias
    b = draw(kst.arrays(shape=(out_size,))) if use_bias else None
    return x, W, b, batch_dims


def _reference(x, W, b, n_batch_axes):
    batch = x.shape[:n_batch_axes]
    y = x.reshape(int(np.prod(batch)), -1) @ W.T
    if b is not None:
        y = y + b
    return y.reshape(batch + (W.shape[0],))


@given(st.one_of(_problem(), _problem(max_feature_dims=3), _problem(batch_dims=2, max_feature_dims=2)))
def test_forward_matches_numpy(problem):
    x, W, b, n = problem
    y = F.linear(x, W, b, n_batch_axes=n)
    expected = _reference(x, W, b, n)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


def test_float32_is_kept_and_gradients_match_the_formulas():
    rng = np.random.default_rng(0)
    x = kusari.Variable(rng.standard_normal((5, 3)).astype(np.float32))
    W = kusari.Parameter(rng.standard_normal((4, 3)).astype(np.float32))
    b = kusari.Parameter(rng.standard_normal(4).astype(np.float32))
    y = F.linear(x, W, b)
    gy = rng.standard_normal((5, 4)).astype(np.float32)
    y.grad = gy
    y.backward()
    assert y.dtype == x.grad.dtype == W.grad.dtype == b.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, gy @ W.array, rtol=1e-5)
    np.testing.assert_allclose(W.grad, gy.T @ x.array, rtol=1e-5)
    np.testing.assert_allclose(b.grad, gy.sum(0), rtol=1e-5)


def test_plain_and_double_backprop_paths_agree():
    # Plain backward takes an array shortcut; with double backprop on, the
    # gradient nodes run instead.  Both must give the same numbers.
    rng = np.random.default_rng(1)
    x = kusari.Variable(rng.standard_normal((3, 2)))
    W = kusari.Variable(rng.standard_normal((4, 2)))
    b = kusari.Variable(rng.standard_normal(4))
    gy = rng.standard_normal((3, 4))
    plain = kusari.grad([F.linear(x, W, b)], [x, W, b], [gy])
    double = kusari.grad([F.linear(x, W, b)], [x, W, b], [gy], enable_double_backprop=True)
    assert all(g.creator is None for g in plain)
    assert double[0].creator is not None and double[1].creator is not None  # gb = sum(gy) has no variable input
    for p, d in zip(plain, double, strict=True):
        np.testing.assert_allclose(p.array, d.array, rtol=1e-12)


def test_flattens_trailing_axes_like_chainer():
    x = kusari.Variable(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    W = np.ones((5, 12), np.float32)
    y = F.linear(x, W)
    assert y.shape == (2, 5)
    F.sum(y).backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 3, 4), np.float32) * 5)


def test_only_x_and_W_are_retained():
    x = kusari.Variable(np.ones((2, 3), np.float32))
    W, b = kusari.Variable(np.ones((4, 3), np.float32)), kusari.Variable(np.ones(4, np.float32))
    y = F.linear(x, W, b)
    node = y.creator_node
    assert isinstance(node, LinearFunction)
    assert node.inputs[0].data is x.array and node.inputs[1].data is W.array and node.inputs[2].data is None


@given(st.one_of(_problem(), _problem(max_feature_dims=2), _problem(batch_dims=2)), st.data())
def test_gradients(problem, data):
    x, W, b, n = problem
    inputs = (x, W) if b is None else (x, W, b)
    gy = data.draw(kst.arrays(shape=_reference(x, W, b, n).shape))
    ggs = tuple(data.draw(kst.arrays(shape=a.shape)) for a in inputs)
    func = lambda *args: F.linear(*args, n_batch_axes=n)
    check_backward(func, inputs, gy)
    check_double_backward(func, inputs, gy, ggs)


def test_third_order_gradient():
    # The gradient nodes differentiate into each other, so any order works;
    # with 1x1 x and W: z = (3x)^3 = 27 x^3, dz = 81 x^2, d2z = 162 x, d3z = 162.
    x = kusari.Variable(np.array([[2.0]]))
    W = kusari.Variable(np.array([[3.0]]))
    y = F.linear(x, W)
    z = F.sum(y * y * y)                   # (3x)^3 = 27 x^3
    g1, = kusari.grad([z], [x], enable_double_backprop=True)   # 81 x^2
    g2, = kusari.grad([F.sum(g1)], [x], enable_double_backprop=True)  # 162 x
    g3, = kusari.grad([F.sum(g2)], [x])     # 162
    np.testing.assert_allclose([g1.array.item(), g2.array.item(), g3.array.item()], [324.0, 324.0, 162.0])


def test_in_size_mismatch_message():
    W = np.ones((5, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^linear: argument 'x' expected shape \(N, 3\) \(in_size of W\), "
                                          r"got \(2, 4\)$"):
        F.linear(np.ones((2, 4), np.float32), W)
    with pytest.raises(InvalidType, match=r"^linear: argument 'x' expected shape \(2,\) \+ feature axes holding 3 "
                                          r"elements \(in_size of W\), got \(2, 2, 2\)$"):
        F.linear(np.ones((2, 2, 2), np.float32), W)
    with pytest.raises(InvalidType, match=r"^linear: argument 'x' expected shape \(N, N, 3\) \(in_size of W\), "
                                          r"got \(2, 2, 2\)$"):
        F.linear(np.ones((2, 2, 2), np.float32), W, n_batch_axes=2)


def test_dtype_mismatch_messages():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^linear: argument 'W' expected dtype float32 \(the dtype of 'x'\), "
                                          r"got float64$"):
        F.linear(x, np.ones((5, 3)))
    with pytest.raises(InvalidType, match=r"^linear: argument 'b' expected dtype float32 \(the dtype of 'x'\), "
                                          r"got float64$"):
        F.linear(x, np.ones((5, 3), np.float32), np.ones(5))
    with pytest.raises(InvalidType, match=r"^linear: argument 'x' expected a floating-point dtype .*, got int32$"):
        F.linear(np.ones((2, 3), np.int32), np.ones((5, 3), np.int32))


def test_W_and_b_shape_messages():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^linear: argument 'W' expected 2 dimensions \(out_size, in_size\), "
                                          r"got 3 \(shape \(5, 3, 1\)\)$"):
        F.linear(x, np.ones((5, 3, 1), np.float32))
    with pytest.raises(InvalidType, match=r"^linear: argument 'b' expected shape \(5,\) \(out_size of W\), got \(4,\)$"):
        F.linear(x, np.ones((5, 3), np.float32), np.ones(4, np.float32))
    with pytest.raises(InvalidType, match=r"^linear: argument 'b' expected shape \(5,\) .*, got \(1, 5\)$"):
        F.linear(x, np.ones((5, 3), np.float32), np.ones((1, 5), np.float32))


def test_batch_axes_messages():
    W = np.ones((5, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^linear: argument 'x' expected at least 2 dimensions \(n_batch_axes=1 "
                                          r"plus feature axes\), got 1 \(shape \(3,\)\)$"):
        F.linear(np.ones(3, np.float32), W)
    with pytest.raises(InvalidType, match=r"^linear: argument 'n_batch_axes' expected a positive int, got 0$"):
        F.linear(np.ones((2, 3), np.float32), W, n_batch_axes=0)
