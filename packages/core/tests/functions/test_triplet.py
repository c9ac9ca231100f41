import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.triplet import triplet
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

MARGIN = 0.2


def _cases(reduce):
    def build(shape):
        gshape = shape[:1] if reduce == "no" else ()
        return st.tuples(*[kst.arrays(shape=shape) for _ in range(3)], kst.arrays(shape=gshape, lo=-1, hi=1),
                         *[kst.arrays(shape=shape, lo=-1, hi=1) for _ in range(3)])
    return kst.shapes(min_dims=2, max_dims=2).flatmap(build)


def _reference(a, p, n, margin, reduce):
    d_ap = np.linalg.norm(a - p, axis=1) ** 2
    d_an = np.linalg.norm(a - n, axis=1) ** 2
    elems = np.maximum(d_ap - d_an + margin, 0)
    return elems if reduce == "no" else elems.mean()


def _off_kink(a, p, n):
    # the hinge has a kink where d_ap - d_an + margin = 0
    assume(np.all(np.abs(((a - p) ** 2).sum(1) - ((a - n) ** 2).sum(1) + MARGIN) > 0.05))


@pytest.mark.parametrize("reduce", ["mean", "no"])
@pytest.mark.parametrize("margin", [0.2, 1.5])
@given(data=st.data())
def test_forward_matches_numpy(reduce, margin, data):
    a, p, n, *_ = data.draw(_cases(reduce))
    y = triplet(a, p, n, margin=margin, reduce=reduce)
    expected = _reference(a, p, n, margin, reduce)
    assert y.shape == np.shape(expected)
    np.testing.assert_allclose(y.array, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    a, p, n = (kusari.Variable(np.array(v, dtype)) for v in ([[1.0, 2.0], [0.0, 1.0]], [[1.5, 2.0], [3.0, 1.0]],
                                                                 [[0.0, 0.0], [1.0, 1.0]]))
    y = triplet(a, p, n)
    y.backward()
    assert y.dtype == dtype and a.grad.dtype == dtype and p.grad.dtype == dtype and n.grad.dtype == dtype
    np.testing.assert_allclose(y.array, (0 + 8.2) / 2, rtol=1e-3)


def test_gradient_values():
    a, p, n = (kusari.Variable(np.array(v)) for v in ([[0.0, 1.0]], [[3.0, 1.0]], [[1.0, 1.0]]))
    triplet(a, p, n).backward()
    # active row: d/da = 2 (a - p) - 2 (a - n) = 2 (n - p)
    np.testing.assert_allclose(a.grad, [[-4.0, 0.0]])
    np.testing.assert_allclose(p.grad, [[6.0, 0.0]])
    np.testing.assert_allclose(n.grad, [[-2.0, 0.0]])


@pytest.mark.parametrize("reduce", ["mean", "no"])
@given(data=st.data())
def test_gradient(reduce, data):
    a, p, n, gy, *_ = data.draw(_cases(reduce))
    _off_kink(a, p, n)
    check_backward(lambda *x: triplet(*x, margin=MARGIN, reduce=reduce), (a, p, n), gy)


@given(data=st.data())
def test_double_gradient(data):
    a, p, n, gy, *ggs = data.draw(_cases("mean"))
    _off_kink(a, p, n)
    check_double_backward(lambda *x: triplet(*x, margin=MARGIN), (a, p, n), gy, tuple(ggs))


def test_integer_input_is_rejected():
    z = np.zeros((2, 3), np.int32)
    with pytest.raises(InvalidType, match=r"triplet: argument 'anchor' expected a floating-point dtype .*, "
                                          r"got int32"):
        triplet(z, z, z)


def test_non_matrix_input_is_rejected():
    z = np.zeros(3, np.float32)
    with pytest.raises(InvalidType, match=r"triplet: argument 'anchor' expected 2 dimensions, got 1"):
        triplet(z, z, z)


def test_dtype_mismatch_is_rejected():
    z = np.zeros((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"triplet: argument 'negative' expected dtype float32 "
                                          r"\(the dtype of 'anchor'\), got float64"):
        triplet(z, z, z.astype(np.float64))


def test_shape_mismatch_is_rejected():
    z = np.zeros((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"triplet: argument 'positive' expected shape \(2, 3\) "
                                          r"\(the shape of 'anchor'\), got \(3, 2\)"):
        triplet(z, z.T.copy(), z)


def test_non_positive_margin_is_rejected():
    z = np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match=r"triplet: argument 'margin' expected a positive value, got 0"):
        triplet(z, z, z, margin=0)


def test_unknown_reduce_is_rejected():
    z = np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match=r"triplet: argument 'reduce' expected 'mean' or 'no', got 'sum'"):
        triplet(z, z, z, reduce="sum")
