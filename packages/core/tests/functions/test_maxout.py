import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.maxout import maxout
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _cases():
    # (shape, axis, pool_size) with pool_size dividing shape[axis].
    return st.tuples(kst.shapes(min_dims=1, max_dims=3), st.integers(1, 3)).flatmap(
        lambda sp: st.integers(-len(sp[0]), len(sp[0]) - 1).map(lambda a: (
            tuple(n * sp[1] if i == a % len(sp[0]) else n for i, n in enumerate(sp[0])), a, sp[1])))


def _reference(x, pool_size, axis):
    # Output channel k is the max over input channels k*pool_size .. (k+1)*pool_size - 1.
    axis %= x.ndim
    groups = [np.take(x, range(k * pool_size, (k + 1) * pool_size), axis=axis).max(axis=axis, keepdims=True)
              for k in range(x.shape[axis] // pool_size)]
    return np.concatenate(groups, axis=axis)


@given(_cases().flatmap(lambda c: st.tuples(kst.arrays(shape=c[0], lo=-3, hi=3), st.just(c[1]), st.just(c[2]))))
def test_forward_matches_numpy(args):
    x, axis, pool_size = args
    np.testing.assert_array_equal(maxout(x, pool_size, axis).array, _reference(x, pool_size, axis))


def test_float32_is_preserved_and_gradient_goes_to_the_maximum():
    x = kusari.Variable(np.array([[1.0, 4.0, 3.0, 2.0, 0.0, 5.0]], np.float32))
    y = maxout(x, 3)
    np.testing.assert_array_equal(y.array, [[4, 5]])
    y.grad = np.array([[10, 20]], np.float32)
    y.backward()
    assert y.dtype == x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [[0, 10, 0, 0, 0, 20]])


@given(_cases().flatmap(lambda c: st.tuples(
    kst.arrays(shape=c[0], lo=-3, hi=3, unique=True), st.just(c[1]), st.just(c[2]))), st.data())
def test_gradient_and_double_gradient(args, data):
    x, axis, pool_size = args
    # Distinct values keep each group's maximum away from ties (the kink).
    x = np.argsort(np.argsort(x.ravel())).reshape(x.shape) * 0.1
    gy = data.draw(kst.arrays(shape=maxout(x, pool_size, axis).shape, lo=-1, hi=1))
    ggx = data.draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    check_backward(lambda v: maxout(v, pool_size, axis), x, gy)
    check_double_backward(lambda v: maxout(v, pool_size, axis), x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"maxout: argument 'x' expected a floating-point dtype .*, got int32"):
        maxout(np.ones((1, 4), np.int32), 2)


def test_indivisible_channels_are_rejected():
    with pytest.raises(InvalidType, match=r"maxout: argument 'x' expected shape\[1\] divisible by pool_size=3, "
                       r"got shape \(2, 4\)"):
        maxout(np.ones((2, 4)), 3)


@pytest.mark.parametrize("pool_size", [0, -2, 1.5])
def test_bad_pool_size_is_rejected(pool_size):
    with pytest.raises(InvalidType, match=rf"maxout: argument 'pool_size' expected a positive integer, got {pool_size}"):
        maxout(np.ones((2, 4)), pool_size)


def test_bad_axis_is_rejected():
    with pytest.raises(InvalidType, match=r"maxout: argument 'axis' expected an axis of a 2-dimensional x, got -3"):
        maxout(np.ones((2, 4)), 2, axis=-3)
