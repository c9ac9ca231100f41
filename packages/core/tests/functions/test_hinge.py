import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import kusari
from kusari.functions.loss.hinge import hinge
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _cases(reduce):
    def build(shape):
        n, k = shape
        gshape = shape if reduce == "no" else ()
        # |x| in [0, 0.9] or [1.1, 3]: away from the kink at |x| = 1.
        score = st.one_of(st.floats(-0.9, 0.9), st.floats(1.1, 3), st.floats(-3, -1.1))
        return st.tuples(hnp.arrays(np.float64, shape, elements=score),
                         kst.arrays(shape=(n,), dtype=np.int32, lo=0, hi=k - 1),
                         kst.arrays(shape=gshape, lo=-1, hi=1), kst.arrays(shape=shape, lo=-1, hi=1))
    return kst.shapes(min_dims=2, max_dims=2).flatmap(build)


def _reference(x, t, norm, reduce):
    elems = np.empty_like(x)
    for i, label in enumerate(t):  # a loop is fine in the reference
        for j in range(x.shape[1]):
            margin = 1 - x[i, j] if j == label else 1 + x[i, j]
            elems[i, j] = max(0.0, margin) ** (1 if norm == "L1" else 2)
    return elems if reduce == "no" else elems.sum() / len(x)


@pytest.mark.parametrize("norm", ["L1", "L2"])
@pytest.mark.parametrize("reduce", ["mean", "no"])
@given(data=st.data())
def test_forward_matches_numpy(norm, reduce, data):
    x, t, _, _ = data.draw(_cases(reduce))
    y = hinge(x, t, norm=norm, reduce=reduce)
    expected = _reference(x, t, norm, reduce)
    assert y.shape == np.shape(expected)
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([[2.0, -1.0, 0.5], [0.0, 3.0, -0.25]], dtype))
    y = hinge(x, np.array([0, 2], np.int32))
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(y.array, (1.5 + 1 + 4 + 1.25) / 2, rtol=1e-3)


def test_gradient_values():
    x = kusari.Variable(np.array([[2.0, -1.5, 0.5], [0.0, 3.0, -0.25]]))
    hinge(x, np.array([0, 2], np.int32)).backward()
    # -1/N at an active label entry, +1/N at an active other entry, 0 where inactive
    np.testing.assert_allclose(x.grad, [[0.0, 0.0, 0.5], [0.5, 0.5, -0.5]])


@pytest.mark.parametrize("norm", ["L1", "L2"])
@pytest.mark.parametrize("reduce", ["mean", "no"])
@given(data=st.data())
def test_gradient(norm, reduce, data):
    x, t, gy, _ = data.draw(_cases(reduce))
    check_backward(lambda x: hinge(x, t, norm, reduce), (x,), gy)


@pytest.mark.parametrize("norm", ["L1", "L2"])
@given(data=st.data())
def test_double_gradient(norm, data):
    x, t, gy, ggx = data.draw(_cases("mean"))
    check_double_backward(lambda x: hinge(x, t, norm), (x,), gy, (ggx,))


def test_integer_scores_are_rejected():
    with pytest.raises(InvalidType, match=r"hinge: argument 'x' expected a floating-point dtype .*, got int32"):
        hinge(np.zeros((2, 3), np.int32), np.zeros(2, np.int32))


def test_non_matrix_scores_are_rejected():
    with pytest.raises(InvalidType, match=r"hinge: argument 'x' expected 2 dimensions, got 3 "
                                          r"\(shape \(2, 3, 1\)\)"):
        hinge(np.zeros((2, 3, 1), np.float32), np.zeros(2, np.int32))


def test_float_labels_are_rejected():
    with pytest.raises(InvalidType, match=r"hinge: argument 't' expected an integer dtype .*, got float32"):
        hinge(np.zeros((2, 3), np.float32), np.zeros(2, np.float32))


def test_label_shape_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"hinge: argument 't' expected shape \(2,\) \(one label per row "
                                          r"of 'x'\), got \(3,\)"):
        hinge(np.zeros((2, 3), np.float32), np.zeros(3, np.int32))


def test_out_of_range_label_is_rejected():
    with pytest.raises(ValueError, match=r"hinge: argument 't' expected labels in \[0, 3\), got values "
                                         r"from 0 to 5"):
        hinge(np.zeros((2, 3), np.float32), np.array([0, 5], np.int32))


def test_unknown_norm_is_rejected():
    with pytest.raises(ValueError, match=r"hinge: argument 'norm' expected 'L1' or 'L2', got 'L3'"):
        hinge(np.zeros((2, 3), np.float32), np.zeros(2, np.int32), norm="L3")


def test_unknown_reduce_is_rejected():
    with pytest.raises(ValueError, match=r"hinge: argument 'reduce' expected 'mean' or 'no', got 'sum'"):
        hinge(np.zeros((2, 3), np.float32), np.zeros(2, np.int32), reduce="sum")
