import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.sigmoid_cross_entropy import sigmoid_cross_entropy
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _cases(reduce="mean"):
    def build(s):
        gshape = () if reduce == "mean" else s
        return st.tuples(kst.arrays(shape=s, lo=-4, hi=4), kst.arrays(shape=s, dtype=np.int32, lo=-1, hi=1),
                         kst.arrays(shape=gshape, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1))
    return kst.shapes(min_dims=1).flatmap(build)


def _reference(x, t, normalize, reduce):
    p = 1 / (1 + np.exp(-x))
    elems = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    elems = np.where(t == -1, 0.0, elems)
    if reduce == "no":
        return elems
    count = (t != -1).sum() if normalize else len(x)
    return elems.sum() / max(count, 1)


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("reduce", ["mean", "no"])
@given(data=st.data())
def test_forward_matches_numpy(normalize, reduce, data):
    x, t, _, _ = data.draw(_cases(reduce))
    y = sigmoid_cross_entropy(x, t, normalize=normalize, reduce=reduce)
    assert y.shape == (() if reduce == "mean" else x.shape)
    np.testing.assert_allclose(y.array, _reference(x, t, normalize, reduce), rtol=1e-10, atol=1e-12)


def test_large_logits_do_not_overflow():
    x = np.array([-200.0, 200.0, -200.0, 200.0], np.float32)
    t = np.array([0, 1, 1, 0], np.int32)
    y = sigmoid_cross_entropy(x, t, reduce="no")
    np.testing.assert_allclose(y.array, [0.0, 0.0, 200.0, 200.0])


def test_all_ignored_gives_zero_not_nan():
    x = kusari.Variable(np.array([[1.0, -2.0]], np.float32))
    y = sigmoid_cross_entropy(x, np.array([[-1, -1]], np.int32))
    y.backward()
    assert y.array == 0 and not np.isnan(y.array)
    np.testing.assert_array_equal(x.grad, np.zeros((1, 2), np.float32))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([[1.0, -2.0], [0.5, 3.0]], dtype))
    y = sigmoid_cross_entropy(x, np.array([[1, 0], [0, -1]], np.int32))
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(y.array, _reference(x.array.astype(np.float64), np.array([[1, 0], [0, -1]]),
                                                   True, "mean"), rtol=2e-3)


def test_gradient_values():
    x = kusari.Variable(np.array([0.0, 2.0, -1.0]))
    sigmoid_cross_entropy(x, np.array([1, 0, -1], np.int32)).backward()
    # (sigmoid(x) - t) / count, ignored entries 0
    np.testing.assert_allclose(x.grad, [(0.5 - 1) / 2, 1 / (1 + np.exp(-2.0)) / 2, 0.0])


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("reduce", ["mean", "no"])
@given(data=st.data())
def test_gradient(normalize, reduce, data):
    x, t, gy, _ = data.draw(_cases(reduce))
    check_backward(lambda x: sigmoid_cross_entropy(x, t, normalize, reduce), (x,), gy)


@pytest.mark.parametrize("reduce", ["mean", "no"])
@given(data=st.data())
def test_double_gradient(reduce, data):
    x, t, gy, ggx = data.draw(_cases(reduce))
    check_double_backward(lambda x: sigmoid_cross_entropy(x, t, reduce=reduce), (x,), gy, (ggx,))


def test_float_labels_are_rejected():
    with pytest.raises(InvalidType, match=r"sigmoid_cross_entropy: argument 't' expected an integer dtype "
                                          r".*, got float32"):
        sigmoid_cross_entropy(np.zeros(3, np.float32), np.zeros(3, np.float32))


def test_integer_scores_are_rejected():
    with pytest.raises(InvalidType, match=r"sigmoid_cross_entropy: argument 'x' expected a floating-point "
                                          r"dtype .*, got int32"):
        sigmoid_cross_entropy(np.zeros(3, np.int32), np.zeros(3, np.int32))


def test_scalar_scores_are_rejected():
    with pytest.raises(InvalidType, match=r"sigmoid_cross_entropy: argument 'x' expected at least 1 "
                                          r"dimensions, got 0"):
        sigmoid_cross_entropy(np.float32(0) + np.zeros((), np.float32), np.zeros((), np.int32))


def test_shape_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"sigmoid_cross_entropy: argument 't' expected shape \(2, 3\) "
                                          r"\(the shape of 'x'\), got \(3, 2\)"):
        sigmoid_cross_entropy(np.zeros((2, 3), np.float32), np.zeros((3, 2), np.int32))


def test_unknown_reduce_is_rejected():
    with pytest.raises(ValueError, match=r"sigmoid_cross_entropy: argument 'reduce' expected 'mean' or "
                                         r"'no', got 'sum'"):
        sigmoid_cross_entropy(np.zeros(3, np.float32), np.zeros(3, np.int32), reduce="sum")
