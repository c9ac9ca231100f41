"""logsumexp."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _case(lo=-3.0, hi=3.0):
    return kst.shapes().flatmap(lambda s: st.tuples(kst.arrays(shape=s, lo=lo, hi=hi), kst.reduction_axes(len(s))))


def _reference(x, axis):
    # The textbook formula, fine in float64 for moderate inputs.
    return np.log(np.sum(np.exp(x), axis=axis))


@given(_case())
def test_forward_matches_numpy(case):
    x, axis = case
    y = F.logsumexp(x, axis=axis)
    expected = _reference(x, axis)
    assert y.shape == np.shape(expected) and isinstance(y.array, np.ndarray)
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-12)


@given(_case(lo=500.0, hi=700.0))
def test_large_inputs_do_not_overflow(case):
    x, axis = case
    with np.errstate(over="raise"):
        y = F.logsumexp(x, axis=axis).array
    # log sum exp(x) = c + log sum exp(x - c) for any constant c
    np.testing.assert_allclose(y, 600.0 + _reference(x - 600.0, axis), rtol=1e-12)


def test_infinite_rows():
    x = np.array([[-np.inf, -np.inf], [-np.inf, 0.0], [np.inf, 1.0]])
    with np.errstate(divide="ignore"):
        y = F.logsumexp(x, axis=1).array
    np.testing.assert_array_equal(y, [-np.inf, 0.0, np.inf])


def test_float32_is_kept():
    x = kusari.Variable(np.array([[1, 2], [3, 4]], np.float32))
    y = F.logsumexp(x, axis=0)
    F.sum(y).backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_gradient_is_softmax():
    x = kusari.Variable(np.array([[0.0, np.log(3.0)], [1.0, 1.0]]))
    F.sum(F.logsumexp(x, axis=1)).backward()
    np.testing.assert_allclose(x.grad, [[0.25, 0.75], [0.5, 0.5]])


@given(case=_case(), data=st.data())
def test_gradients(case, data):
    x, axis = case
    out_shape = np.sum(x, axis=axis).shape
    gy, ggx = data.draw(kst.arrays(shape=out_shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: F.logsumexp(v, axis=axis)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


def test_bad_input_is_rejected():
    with pytest.raises(InvalidType, match=r"^logsumexp: argument 'axis' expected axes in \[-2, 1\] .*, got 2$"):
        F.logsumexp(np.ones((2, 3)), axis=2)
    with pytest.raises(InvalidType, match=r"^logsumexp: argument 'axis' expected distinct axes, got \(1, 1\)$"):
        F.logsumexp(np.ones((2, 3)), axis=(1, 1))
    with pytest.raises(InvalidType, match=r"^logsumexp: argument 'x' expected a non-empty reduction .*, "
                                          r"got shape \(0, 3\)$"):
        F.logsumexp(np.ones((0, 3)))
    with pytest.raises(InvalidType, match=r"^logsumexp: argument 'x' expected a floating-point dtype .*, got int32$"):
        F.logsumexp(np.ones(3, np.int32))
