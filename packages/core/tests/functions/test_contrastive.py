import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.contrastive import contrastive
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

MARGIN = 1.0


def _cases(reduce):
    def build(shape):
        n = shape[0]
        gshape = (n,) if reduce == "no" else ()
        return st.tuples(kst.arrays(shape=shape), kst.arrays(shape=shape),
                         kst.arrays(shape=(n,), dtype=np.int32, lo=0, hi=1), kst.arrays(shape=gshape, lo=-1, hi=1),
                         kst.arrays(shape=shape, lo=-1, hi=1), kst.arrays(shape=shape, lo=-1, hi=1))
    return kst.shapes(min_dims=2, max_dims=2).flatmap(build)


def _reference(x0, x1, y, margin, reduce):
    d = np.linalg.norm(x0 - x1, axis=1)
    elems = (y * d ** 2 + (1 - y) * np.maximum(margin - d, 0) ** 2) / 2
    return elems if reduce == "no" else elems.sum() / len(x0)


def _smooth(x0, x1):
    # away from d = 0 (sqrt) and d = margin (the hinge's kink)
    d = np.linalg.norm(x0 - x1, axis=1)
    assume(np.all(d > 0.1) and np.all(np.abs(d - MARGIN) > 0.05))


@pytest.mark.parametrize("reduce", ["mean", "no"])
@pytest.mark.parametrize("margin", [1.0, 2.5])
@given(data=st.data())
def test_forward_matches_numpy(reduce, margin, data):
    x0, x1, y, *_ = data.draw(_cases(reduce))
    loss = contrastive(x0, x1, y, margin=margin, reduce=reduce)
    expected = _reference(x0, x1, y, margin, reduce)
    assert loss.shape == np.shape(expected)
    np.testing.assert_allclose(loss.array, expected, rtol=1e-10, atol=1e-12)


def test_identical_rows_give_finite_gradient():
    x0 = kusari.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]))
    x1 = kusari.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]))
    loss = contrastive(x0, x1, np.array([0, 1], np.int32))
    loss.backward()
    np.testing.assert_allclose(loss.array, 0.5 / 2)  # the dissimilar pair at d = 0 costs margin^2 / 2
    np.testing.assert_array_equal(x0.grad, np.zeros((2, 2)))
    np.testing.assert_array_equal(x1.grad, np.zeros((2, 2)))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x0 = kusari.Variable(np.array([[1.0, 2.0], [0.0, 1.0]], dtype))
    x1 = kusari.Variable(np.array([[1.5, 2.0], [0.0, 1.5]], dtype))
    loss = contrastive(x0, x1, np.array([1, 0], np.int32))
    loss.backward()
    assert loss.dtype == dtype and x0.grad.dtype == dtype and x1.grad.dtype == dtype
    np.testing.assert_allclose(loss.array, (0.25 + 0.25) / 4, rtol=1e-3)


def test_gradient_values():
    x0 = kusari.Variable(np.array([[3.0, 0.0], [0.5, 0.0]]))
    x1 = kusari.Variable(np.zeros((2, 2)))
    contrastive(x0, x1, np.array([1, 0], np.int32)).backward()
    # similar: d(d^2 / 2)/dx0 / N = (x0 - x1) / N; dissimilar: -(margin - d) (x0 - x1) / d / N
    np.testing.assert_allclose(x0.grad, [[1.5, 0.0], [-0.25, 0.0]])
    np.testing.assert_allclose(x1.grad, -x0.grad)


@pytest.mark.parametrize("reduce", ["mean", "no"])
@given(data=st.data())
def test_gradient(reduce, data):
    x0, x1, y, gy, *_ = data.draw(_cases(reduce))
    _smooth(x0, x1)
    check_backward(lambda a, b: contrastive(a, b, y, MARGIN, reduce), (x0, x1), gy)


@given(data=st.data())
def test_double_gradient(data):
    x0, x1, y, gy, gg0, gg1 = data.draw(_cases("mean"))
    _smooth(x0, x1)
    check_double_backward(lambda a, b: contrastive(a, b, y, MARGIN), (x0, x1), gy, (gg0, gg1))


def _z(shape=(2, 3), dtype=np.float32):
    return np.zeros(shape, dtype)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"contrastive: argument 'x0' expected a floating-point dtype .*, "
                                          r"got int32"):
        contrastive(_z(dtype=np.int32), _z(dtype=np.int32), np.zeros(2, np.int32))


def test_non_matrix_input_is_rejected():
    with pytest.raises(InvalidType, match=r"contrastive: argument 'x0' expected 2 dimensions, got 1"):
        contrastive(_z((3,)), _z((3,)), np.zeros(3, np.int32))


def test_dtype_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"contrastive: argument 'x1' expected dtype float32 "
                                          r"\(the dtype of 'x0'\), got float64"):
        contrastive(_z(), _z(dtype=np.float64), np.zeros(2, np.int32))


def test_shape_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"contrastive: argument 'x1' expected shape \(2, 3\) "
                                          r"\(the shape of 'x0'\), got \(3, 2\)"):
        contrastive(_z(), _z((3, 2)), np.zeros(2, np.int32))


def test_float_labels_are_rejected():
    with pytest.raises(InvalidType, match=r"contrastive: argument 'y' expected an integer dtype .*, got float32"):
        contrastive(_z(), _z(), np.zeros(2, np.float32))


def test_label_shape_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"contrastive: argument 'y' expected shape \(2,\) \(one label per "
                                          r"row of 'x0'\), got \(3,\)"):
        contrastive(_z(), _z(), np.zeros(3, np.int32))


def test_non_positive_margin_is_rejected():
    with pytest.raises(ValueError, match=r"contrastive: argument 'margin' expected a positive value, got -1"):
        contrastive(_z(), _z(), np.zeros(2, np.int32), margin=-1)


def test_unknown_reduce_is_rejected():
    with pytest.raises(ValueError, match=r"contrastive: argument 'reduce' expected 'mean' or 'no', got 'sum'"):
        contrastive(_z(), _z(), np.zeros(2, np.int32), reduce="sum")
