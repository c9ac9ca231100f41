import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import kusari
from kusari.functions.loss.huber_loss import huber_loss
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

DELTA = 1.0


def _cases(reduce):
    def build(s):
        gshape = s if reduce == "no" else s[:1] + s[2:]
        # |x - t| stays at least 0.1 away from delta, where the second derivative jumps.
        diff = st.floats(-3, 3).filter(lambda v: abs(abs(v) - DELTA) >= 0.1)
        return st.tuples(kst.arrays(shape=s), hnp.arrays(np.float64, s, elements=diff),
                         kst.arrays(shape=gshape, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1),
                         kst.arrays(shape=s, lo=-1, hi=1))
    return kst.shapes(min_dims=2 if reduce != "no" else 0).flatmap(build)


def _reference(x, t, delta, reduce):
    d = np.abs(x - t)
    elems = np.where(d <= delta, 0.5 * d ** 2, delta * (d - 0.5 * delta))
    return elems.sum(axis=1) if reduce != "no" else elems


@pytest.mark.parametrize("reduce", ["sum_along_second_axis", "no"])
@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
@given(data=st.data())
def test_forward_matches_numpy(reduce, delta, data):
    t, diff, _, _, _ = data.draw(_cases(reduce))
    x = t + diff
    y = huber_loss(x, t, delta, reduce=reduce)
    expected = _reference(x, t, delta, reduce)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


def test_default_reduce_sums_along_axis_1():
    x = np.zeros((2, 3, 2))
    t = np.full((2, 3, 2), 3.0)
    y = huber_loss(x, t, delta=1.0)
    assert y.shape == (2, 2)
    np.testing.assert_allclose(y.array, np.full((2, 2), 3 * (3 - 0.5)))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([[0.5, 3.0], [-2.0, 0.25]], dtype))
    t = kusari.Variable(np.zeros((2, 2), dtype))
    y = huber_loss(x, t, 1.0)
    y.grad = np.ones(2, dtype)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype and t.grad.dtype == dtype
    np.testing.assert_allclose(y.array, [0.125 + 2.5, 1.5 + 0.03125], rtol=1e-3)


def test_gradient_values():
    x = kusari.Variable(np.array([[0.5, 3.0, -2.0]]))
    t = kusari.Variable(np.zeros((1, 3)))
    huber_loss(x, t, 1.0).backward()
    np.testing.assert_allclose(x.grad, [[0.5, 1.0, -1.0]])  # clip(x - t, -delta, delta)
    np.testing.assert_allclose(t.grad, [[-0.5, -1.0, 1.0]])


@pytest.mark.parametrize("reduce", ["sum_along_second_axis", "no"])
@given(data=st.data())
def test_gradient(reduce, data):
    t, diff, gy, _, _ = data.draw(_cases(reduce))
    check_backward(lambda x, t: huber_loss(x, t, DELTA, reduce), (np.asarray(t + diff), t), gy)


@pytest.mark.parametrize("reduce", ["sum_along_second_axis", "no"])
@given(data=st.data())
def test_double_gradient(reduce, data):
    t, diff, gy, ggx, ggt = data.draw(_cases(reduce))
    check_double_backward(lambda x, t: huber_loss(x, t, DELTA, reduce), (np.asarray(t + diff), t), gy,
                          (ggx, ggt))


def test_dtype_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"huber_loss: argument 't' expected dtype float32 "
                                          r"\(the dtype of 'x'\), got float64"):
        huber_loss(np.zeros((2, 2), np.float32), np.zeros((2, 2), np.float64), 1.0)


def test_shape_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"huber_loss: argument 't' expected shape \(2, 3\) "
                                          r"\(the shape of 'x'\), got \(3, 2\)"):
        huber_loss(np.zeros((2, 3), np.float32), np.zeros((3, 2), np.float32), 1.0)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"huber_loss: argument 'x' expected a floating-point dtype "
                                          r".*, got int32"):
        huber_loss(np.zeros((2, 2), np.int32), np.zeros((2, 2), np.int32), 1.0)


def test_one_axis_with_sum_along_second_axis_is_rejected():
    with pytest.raises(InvalidType, match=r"huber_loss: argument 'x' expected at least 2 dimensions, "
                                          r"got 1 \(shape \(3,\)\)"):
        huber_loss(np.zeros(3, np.float32), np.zeros(3, np.float32), 1.0)


def test_unknown_reduce_is_rejected():
    with pytest.raises(ValueError, match=r"huber_loss: argument 'reduce' expected "
                                         r"'sum_along_second_axis' or 'no', got 'mean'"):
        huber_loss(np.zeros((2, 2), np.float32), np.zeros((2, 2), np.float32), 1.0, reduce="mean")
