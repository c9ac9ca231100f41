"""cumsum, cumprod."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.cumulative import cumprod, cumsum
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

FUNCS = {"cumsum": (cumsum, np.cumsum), "cumprod": (cumprod, np.cumprod)}


def _point(lo=-2.0, hi=2.0, min_magnitude=0.0):
    """(x, axis, gy, ggx) with gy of the output's shape (that of x) and ggx of x's."""
    def build(shape_axis):
        shape, axis = shape_axis
        arr = kst.arrays(shape=shape, lo=lo, hi=hi, min_magnitude=min_magnitude)
        return st.tuples(arr, st.just(axis), kst.arrays(shape=shape), kst.arrays(shape=shape))
    return kst.shape_and_axis().flatmap(build)


@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_forward_matches_numpy_and_keeps_float32(name, axis):
    func, ref = FUNCS[name]
    x = np.random.uniform(0.5, 1.5, (3, 4)).astype(np.float32)
    y = func(kusari.Variable(x), axis=axis)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, ref(x, axis=axis), rtol=1e-6)


@given(_point())
def test_cumsum_gradients(point):
    x, axis, gy, ggx = point
    check_backward(lambda v: cumsum(v, axis), x, gy)
    check_double_backward(lambda v: cumsum(v, axis), x, gy, ggx)


@given(_point(lo=0.3, hi=1.5))
def test_cumprod_gradients(point):
    x, axis, gy, ggx = point
    check_backward(lambda v: cumprod(v, axis), x, gy)
    check_double_backward(lambda v: cumprod(v, axis), x, gy, ggx)


@given(kst.shapes(min_dims=1, max_dims=1, min_side=2).flatmap(
    lambda s: st.tuples(kst.arrays(shape=s, lo=0.5, hi=1.5), st.integers(0, s[0] - 1),
                        st.integers(0, s[0] - 1), kst.arrays(shape=s))))
def test_cumprod_gradient_is_exact_at_zeros(case):
    x, i, j, gy = case
    x[i] = 0.0
    x[j] = 0.0
    v = kusari.Variable(x)
    y = cumprod(v, axis=0)
    y.grad = gy
    y.backward()
    # d y_m / d x_k is the product of x_0..x_m without x_k (computed by brute force).
    expected = np.array([
        sum(gy[m] * np.prod(np.delete(x[:m + 1], k)) for m in range(k, len(x)))
        for k in range(len(x))])
    np.testing.assert_allclose(v.grad, expected, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("x", [[1.5, 0.0, 2.0, 0.7], [0.0, 1.5, 0.0, 0.7], [0.0, 0.0, -2.0, 1.3]])
def test_cumprod_double_backward_at_zeros(x):
    gy = np.array([0.3, -1.0, 0.5, 2.0])
    ggx = np.array([0.2, 0.4, -0.6, 1.1])
    check_double_backward(lambda v: cumprod(v, 0), np.array(x), gy, ggx)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(name):
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=rf"^{name}: argument 'x' expected a floating-point dtype .*, got int32$"):
        FUNCS[name][0](np.ones(3, np.int32))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_bad_axis_is_rejected(name):
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=rf"^{name}: argument 'axis' expected axes in \[-2, 1\] .*, got 2$"):
        FUNCS[name][0](np.ones((2, 3), np.float32), axis=2)
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=rf"^{name}: argument 'axis' expected None or an int, got \(0, 1\)$"):
        FUNCS[name][0](np.ones((2, 3), np.float32), axis=(0, 1))
