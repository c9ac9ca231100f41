"""mean (Chainer's F.mean / F.average)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _case():
    return kst.shapes().flatmap(lambda s: st.tuples(kst.arrays(shape=s), kst.reduction_axes(len(s)), st.booleans()))


@given(_case())
def test_forward_matches_numpy_mean(case):
    x, axis, keepdims = case
    y = F.mean(x, axis=axis, keepdims=keepdims)
    expected = np.mean(x, axis=axis, keepdims=keepdims)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


def _weighted_case():
    """(x, axis, weights): axis None with weights of x's shape, or an int axis with 1-d weights."""
    def for_shape(s):
        axes = st.sampled_from([None] + list(range(-len(s), len(s))))
        return axes.flatmap(lambda a: st.tuples(
            kst.arrays(shape=s), st.just(a),
            kst.arrays(shape=s if a is None else (s[a],), lo=0.5, hi=2.0)))
    return kst.shapes(min_dims=1).flatmap(for_shape)


@given(_weighted_case(), st.booleans())
def test_weighted_forward_matches_numpy_average(case, keepdims):
    x, axis, w = case
    y = F.mean(x, axis=axis, weights=w, keepdims=keepdims)
    expected = np.average(x, axis=axis, weights=w, keepdims=keepdims)
    assert y.shape == np.shape(expected)
    np.testing.assert_allclose(y.array, expected, rtol=1e-10, atol=1e-12)


def test_float32_is_kept():
    x = kusari.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    w = kusari.Variable(np.array([1, 2, 1], np.float32))
    for y in (F.mean(x), F.mean(x, axis=1, weights=w)):
        assert y.dtype == np.float32
    F.sum(F.mean(x, axis=1, weights=w)).backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_known_weighted_gradients():
    # y = sum_j x_j w_j / sum_j w_j:  dy/dx_j = w_j / W,  dy/dw_j = (x_j - y) / W
    x = kusari.Variable(np.array([1.0, 2.0, 6.0]))
    w = kusari.Variable(np.array([1.0, 2.0, 1.0]))
    y = F.mean(x, axis=0, weights=w)
    assert y.array == pytest.approx(2.75)
    y.backward()
    np.testing.assert_allclose(x.grad, [0.25, 0.5, 0.25])
    np.testing.assert_allclose(w.grad, (x.array - 2.75) / 4)


def test_empty_reduction_is_nan():
    with np.errstate(invalid="ignore"):
        y = F.mean(np.zeros((0, 3)), axis=0)
    assert y.shape == (3,) and np.isnan(y.array).all()


@given(case=_case(), data=st.data())
def test_gradients(case, data):
    x, axis, keepdims = case
    out_shape = np.mean(x, axis=axis, keepdims=keepdims).shape
    gy, ggx = data.draw(kst.arrays(shape=out_shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: F.mean(v, axis=axis, keepdims=keepdims)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


@given(case=_weighted_case(), keepdims=st.booleans(), data=st.data())
def test_weighted_gradients(case, keepdims, data):
    x, axis, w = case
    out_shape = np.average(x, axis=axis, weights=w, keepdims=keepdims).shape
    gy = data.draw(kst.arrays(shape=out_shape))
    ggs = (data.draw(kst.arrays(shape=x.shape)), data.draw(kst.arrays(shape=w.shape)))
    func = lambda v, u: F.mean(v, axis=axis, weights=u, keepdims=keepdims)
    check_backward(func, (x, w), gy)
    check_double_backward(func, (x, w), gy, ggs)


def test_tuple_axis_with_weights_is_rejected():
    with pytest.raises(InvalidType, match=r"^mean: argument 'axis' expected None or an int, got \(0, 1\)$"):
        F.mean(np.ones((2, 3)), axis=(0, 1), weights=np.ones(3))


def test_weights_of_the_wrong_shape_are_rejected():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^mean: argument 'weights' expected shape \(3,\) \(x.shape\[1\], "
                                          r"as axis=-1\), got \(2,\)$"):
        F.mean(x, axis=-1, weights=np.ones(2, np.float32))
    with pytest.raises(InvalidType, match=r"^mean: argument 'weights' expected shape \(2, 3\) \(the shape of 'x', "
                                          r"as axis is None\), got \(3,\)$"):
        F.mean(x, weights=np.ones(3, np.float32))


def test_weights_of_another_dtype_are_rejected():
    with pytest.raises(InvalidType, match=r"^mean: argument 'weights' expected dtype float32 \(the dtype of 'x'\), "
                                          r"got float64$"):
        F.mean(np.ones((2, 3), np.float32), axis=1, weights=np.ones(3))


def test_bad_axis_and_dtype_are_rejected():
    with pytest.raises(InvalidType, match=r"^mean: argument 'axis' expected axes in \[-2, 1\] .*, got 5$"):
        F.mean(np.ones((2, 3)), axis=5)
    with pytest.raises(InvalidType, match=r"^mean: argument 'x' expected a floating-point dtype .*, got int64$"):
        F.mean(np.ones(3, np.int64))
