"""max, min, argmax, argmin."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _distinct(shape):
    """Values at least 0.1 apart, so the extreme is unique and finite differences stay on one side."""
    return kst.arrays(shape=shape, dtype=np.int64, lo=-60, hi=60, unique=True).map(lambda a: np.asarray(a / 10.0))


def _case():
    return kst.shapes().flatmap(lambda s: st.tuples(_distinct(s), kst.reduction_axes(len(s)), st.booleans()))


FUNCS = {"max": (F.max, np.max), "min": (F.min, np.min)}


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(case=kst.shapes().flatmap(lambda s: st.tuples(kst.arrays(shape=s), kst.reduction_axes(len(s)),
                                                     st.booleans())))
def test_forward_matches_numpy(name, case):
    x, axis, keepdims = case
    func, ref = FUNCS[name]
    y = func(x, axis=axis, keepdims=keepdims)
    expected = ref(x, axis=axis, keepdims=keepdims)
    assert y.shape == np.shape(expected) and isinstance(y.array, np.ndarray)
    np.testing.assert_array_equal(y.array, expected)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_float32_is_kept(name):
    x = kusari.Variable(np.array([[1, 5], [3, 2]], np.float32))
    y = FUNCS[name][0](x, axis=1)
    F.sum(y).backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_gradient_goes_to_the_extreme():
    x = kusari.Variable(np.array([[1.0, 5.0, 2.0], [-1.0, -3.0, 0.0]]))
    y = F.max(x, axis=1)
    y.grad = np.array([10.0, 20.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [[0, 10, 0], [0, 0, 20]])
    x.cleargrad()
    F.min(x).backward()
    np.testing.assert_array_equal(x.grad, [[0, 0, 0], [0, 1, 0]])


def test_ties_each_get_the_full_gradient():
    # Chainer 7 sends the whole output gradient to every element equal to the
    # extreme (checked against chainer.functions.max/min 7.8.1), not a share.
    x = kusari.Variable(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], np.float32))
    y = F.max(x, axis=1)
    y.grad = np.array([1.0, 2.0], np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 1], [2, 2, 0]])
    x.cleargrad()
    F.min(x, axis=(0, 1), keepdims=True).backward()
    np.testing.assert_array_equal(x.grad, [[0, 0, 0], [0, 0, 1]])


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(case=_case(), data=st.data())
def test_gradients(name, case, data):
    x, axis, keepdims = case
    out_shape = np.max(x, axis=axis, keepdims=keepdims).shape
    gy, ggx = data.draw(kst.arrays(shape=out_shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: FUNCS[name][0](v, axis=axis, keepdims=keepdims)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_empty_reduction_is_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a non-empty reduction .*, "
                                          r"got shape \(2, 0\)$"):
        FUNCS[name][0](np.ones((2, 0)), axis=1)
    assert FUNCS[name][0](np.ones((2, 0)), axis=0).shape == (0,)  # nothing to reduce is fine


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_bad_axis_and_dtype_are_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'axis' expected distinct axes, got \(0, -2\)$"):
        FUNCS[name][0](np.ones((2, 3)), axis=(0, -2))
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a floating-point dtype .*, got int32$"):
        FUNCS[name][0](np.ones((2, 3), np.int32))


ARGS = {"argmax": (F.argmax, np.argmax), "argmin": (F.argmin, np.argmin)}


@pytest.mark.parametrize("name", sorted(ARGS))
@given(case=kst.shapes().flatmap(lambda s: st.tuples(
    kst.arrays(shape=s, dtype=np.int64, lo=-3, hi=3).map(lambda a: a.astype(np.float32)),
    st.sampled_from([None] + list(range(-len(s), len(s)))))))
def test_arg_functions_match_numpy_including_ties(name, case):
    x, axis = case
    func, ref = ARGS[name]
    y = func(kusari.Variable(x), axis=axis)
    assert y.dtype == np.int32 and isinstance(y.array, np.ndarray)
    np.testing.assert_array_equal(y.array, ref(x, axis=axis))


@pytest.mark.parametrize("name", sorted(ARGS))
def test_arg_functions_are_not_differentiable(name):
    x = kusari.Variable(np.array([[1.0, 2.0]], np.float32))
    y = ARGS[name][0](x, axis=1)
    assert not y.requires_grad and y.creator is None


@pytest.mark.parametrize("name", sorted(ARGS))
def test_arg_functions_reject_bad_input(name):
    func = ARGS[name][0]
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'axis' expected None or an int, got \(0, 1\)$"):
        func(np.ones((2, 3)), axis=(0, 1))
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a non-empty array, got shape \(0,\)$"):
        func(np.ones(0))
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a floating-point dtype .*, got int64$"):
        func(np.ones(3, np.int64))
