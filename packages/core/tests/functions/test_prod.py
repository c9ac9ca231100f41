"""prod."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.prod import prod
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst


def _case(lo=0.3, hi=1.5):
    """(x, axis, keepdims, gy, ggx) with gy of the output's shape."""
    def build(args):
        shape, axis, keepdims = args
        out_shape = np.prod(np.zeros(shape), axis=axis, keepdims=keepdims).shape
        return st.tuples(kst.arrays(shape=shape, lo=lo, hi=hi), st.just(axis), st.just(keepdims),
                         kst.arrays(shape=out_shape), kst.arrays(shape=shape))
    return kst.shapes().flatmap(
        lambda s: st.tuples(st.just(s), kst.reduction_axes(len(s)), st.booleans())).flatmap(build)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), (2, 0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_forward_matches_numpy_and_keeps_float32(axis, keepdims):
    x = np.random.uniform(0.5, 1.5, (2, 3, 4)).astype(np.float32)
    y = prod(kusari.Variable(x), axis=axis, keepdims=keepdims)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, np.prod(x, axis=axis, keepdims=keepdims), rtol=1e-6)


@given(_case())
def test_gradients(case):
    x, axis, keepdims, gy, ggx = case
    f = lambda v: prod(v, axis, keepdims)  # noqa: E731
    check_backward(f, x, gy)
    check_double_backward(f, x, gy, ggx)


@given(kst.shapes(min_dims=2, max_dims=2, min_side=2).flatmap(
    lambda s: st.tuples(kst.arrays(shape=s, lo=0.5, hi=1.5), st.integers(0, s[0] * s[1] - 1),
                        st.integers(0, s[0] * s[1] - 1), st.integers(0, 1))))
def test_gradient_is_exact_at_zeros(case):
    x, i, j, axis = case
    x.flat[i] = 0.0
    x.flat[j] = 0.0
    v = kusari.Variable(x)
    y = prod(v, axis=axis)
    gy = np.arange(1.0, y.size + 1).reshape(y.shape)
    y.grad = gy
    y.backward()
    # Brute force: the product of the other elements of each element's group.
    expected = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        group = np.moveaxis(x, axis, 0)[:, idx[1 - axis]]
        expected[idx] = gy[idx[1 - axis]] * np.prod(np.delete(group, idx[axis]))
    np.testing.assert_allclose(v.grad, expected, rtol=1e-6, atol=1e-12)


def test_double_backward_at_a_zero():
    x = np.array([[1.5, 0.0, 2.0], [0.7, -1.2, 0.4]])
    gy = np.array([0.3, -1.0])
    ggx = np.array([[0.2, 0.4, -0.6], [1.1, 0.5, -0.3]])
    check_double_backward(lambda v: prod(v, 1), x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=r"^prod: argument 'x' expected a floating-point dtype .*, got int32$"):
        prod(np.ones(3, np.int32))


def test_bad_axis_and_keepdims_are_rejected():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=r"^prod: argument 'axis' expected axes in \[-2, 1\] .*, got 2$"):
        prod(x, axis=2)
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=r"^prod: argument 'axis' expected distinct axes, got \(0, -2\)$"):
        prod(x, axis=(0, -2))
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=r"^prod: argument 'keepdims' expected a bool, got 1$"):
        prod(x, keepdims=1)
