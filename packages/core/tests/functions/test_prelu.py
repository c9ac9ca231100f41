import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.prelu import prelu
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _x_and_w():
    # x kept away from the kink at 0; W shaped like x.shape[1:1 + k].
    return kst.shapes(min_dims=1).flatmap(lambda s: st.integers(0, len(s) - 1).flatmap(lambda k: st.tuples(
        kst.arrays(shape=s, lo=-3, hi=3, min_magnitude=0.1), kst.arrays(shape=s[1:1 + k], lo=-1, hi=1),
        kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s[1:1 + k], lo=-1, hi=1),
        kst.arrays(shape=s, lo=-1, hi=1))))


def _reference(x, w):
    w = w.reshape((1,) + w.shape + (1,) * (x.ndim - 1 - w.ndim))
    return np.where(x >= 0, x, w * x)


@given(_x_and_w())
def test_forward_matches_numpy(args):
    x, w = args[:2]
    np.testing.assert_allclose(prelu(x, w).array, _reference(x, w), rtol=1e-15)


def test_float32_is_preserved_and_w_gets_the_negative_part():
    x = kusari.Variable(np.array([[-1.0, 2.0, -3.0], [-0.5, -1.0, 4.0]], np.float32))
    w = kusari.Variable(np.array([0.25, 0.5, 0.75], np.float32))
    y = prelu(x, w)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == x.grad.dtype == w.grad.dtype == np.float32
    np.testing.assert_allclose(w.grad, np.minimum(x.array, 0).sum(axis=0))
    np.testing.assert_allclose(x.grad, np.where(x.array >= 0, 1, w.array))


def test_gradient_at_zero_is_one():
    x = kusari.Variable(np.array([[0.0]], np.float32))
    y = prelu(x, np.array([0.3], np.float32))
    y.grad = np.ones((1, 1), np.float32)
    y.backward()
    assert x.grad[0, 0] == 1


@given(_x_and_w())
def test_gradient(args):
    x, w, gy = args[:3]
    check_backward(prelu, (x, w), gy)


@given(_x_and_w())
def test_double_gradient(args):
    x, w, gy, ggw, ggx = args
    check_double_backward(prelu, (x, w), gy, (ggx, ggw))


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"prelu: argument 'x' expected a floating-point dtype .*, got int64"):
        prelu(np.ones((1, 2), np.int64), np.ones(2))


def test_integer_w_is_rejected():
    with pytest.raises(InvalidType, match=r"prelu: argument 'W' expected a floating-point dtype .*, got int64"):
        prelu(np.ones((1, 2)), np.ones(2, np.int64))


def test_w_of_wrong_shape_is_rejected():
    with pytest.raises(InvalidType, match=r"prelu: argument 'W' expected shape x.shape\[1:1 \+ W.ndim\] = \(3,\), "
                       r"got \(4,\) \(x has shape \(2, 3\)\)"):
        prelu(np.ones((2, 3)), np.ones(4))
