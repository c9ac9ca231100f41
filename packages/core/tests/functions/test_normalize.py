"""normalize (L2): forward against NumPy, zero vectors, gradients, dtypes, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.normalization.l2_normalization import normalize
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, eps, axes):
    norm = np.sqrt((x ** 2).sum(axis=axes, keepdims=True))
    return x / (norm + eps)


_shape_axes = kst.shapes(min_dims=1, max_dims=3).flatmap(lambda s: st.tuples(
    st.just(s), st.one_of(st.integers(-len(s), len(s) - 1),
                          st.lists(st.integers(0, len(s) - 1), min_size=1, max_size=len(s),
                                   unique=True).map(tuple))))


@given(_shape_axes, st.floats(1e-6, 1), st.data())
def test_forward_matches_numpy(shape_axis, eps, data):
    shape, axis = shape_axis
    x = data.draw(kst.arrays(shape=shape))   # zero vectors included: eps > 0 keeps them at 0
    np.testing.assert_allclose(normalize(x, eps, axis).array, _reference(x, eps, axis), rtol=1e-12)


def test_defaults_axis_1_eps_1e_5_and_zero_vectors_stay_zero():
    x = np.array([[3, 4], [0, 0]], np.float32)
    y = normalize(kusari.Variable(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, [[3 / 5.00001, 4 / 5.00001], [0, 0]], rtol=1e-6)


def test_gradient_at_a_zero_vector_is_finite():
    x = kusari.Variable(np.zeros((1, 3)))
    y = normalize(x, eps=0.5)
    y.grad = np.array([[1.0, -2.0, 0.5]])
    y.backward()
    np.testing.assert_allclose(x.grad, [[2.0, -4.0, 1.0]])   # gy / eps, as in Chainer


def _arrays(data, shape, n):
    # x (the first) keeps every element away from 0: the norm has a kink at a zero vector.
    return [data.draw(kst.arrays(shape=shape, lo=-2, hi=2, min_magnitude=0.3 if i == 0 else 0))
            for i in range(n)]


@given(_shape_axes, st.floats(0.01, 1), st.data())
def test_gradient(shape_axis, eps, data):
    shape, axis = shape_axis
    x, gy = _arrays(data, shape, 2)
    check_backward(lambda v: normalize(v, eps, axis), x, gy)


@given(_shape_axes, st.floats(0.01, 1), st.data())
def test_double_gradient(shape_axis, eps, data):
    shape, axis = shape_axis
    x, gy, ggx = _arrays(data, shape, 3)
    check_double_backward(lambda v: normalize(v, eps, axis), x, gy, ggx)


def test_double_gradient_with_a_zero_vector_has_no_nan():
    x = np.array([[0.0, 0.0], [1.0, -2.0]])
    gy, ggx = np.array([[1.0, 2.0], [0.5, 0.25]]), np.array([[0.3, -0.1], [1.0, 1.0]])
    xv = kusari.Variable(x)
    gx, = kusari.grad([normalize(xv, 0.1)], [xv], [gy], enable_double_backprop=True)
    ggrad, = kusari.grad([gx], [xv], [ggx])
    assert np.isfinite(ggrad.array).all()
    np.testing.assert_allclose(gx.array[0], gy[0] / 0.1)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_of_output_and_gradient(dtype):
    x = kusari.Variable(np.array([[3, 4], [1, 0]], dtype))
    y = normalize(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype


def test_errors_name_the_argument():
    with pytest.raises(InvalidType, match=r"normalize: argument 'x' expected a floating-point dtype"):
        normalize(np.ones((2, 3), np.int32))
    with pytest.raises(InvalidType, match=r"normalize: argument 'axis' expected axes in \[-2, 1\]"):
        normalize(np.ones((2, 3), np.float32), axis=2)
    with pytest.raises(InvalidType, match=r"normalize: argument 'axis' expected an int or a tuple of ints, got None"):
        normalize(np.ones((2, 3), np.float32), axis=None)
