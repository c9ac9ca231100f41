"""bias, scale."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.bias_scale import bias, scale
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

InvalidType = kusari.utils.type_check.InvalidType
FUNCS = {"bias": (bias, np.add), "scale": (scale, np.multiply)}


def _ref(op, x, y, axis):
    return op(x, y.reshape((1,) * axis + y.shape + (1,) * (x.ndim - axis - y.ndim)))


@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("y_shape,axis", [((3,), 1), ((3, 4), 1), ((4,), 2), ((2,), 0), ((2, 3, 4), 0), ((), 3)])
def test_forward_matches_numpy_and_keeps_float32(name, y_shape, axis):
    func, op = FUNCS[name]
    x = np.random.randn(2, 3, 4).astype(np.float32)
    y = np.asarray(np.random.randn(*y_shape), np.float32)
    out = func(kusari.Variable(x), kusari.Variable(y), axis)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.array, _ref(op, x, y, axis), rtol=1e-6)


def test_default_axis_is_one():
    x = np.random.randn(2, 3, 4).astype(np.float32)
    y = np.random.randn(3).astype(np.float32)
    np.testing.assert_allclose(scale(x, y).array, x * y[:, None], rtol=1e-6)
    np.testing.assert_allclose(bias(x, y).array, x + y[:, None], rtol=1e-6)


def _case():
    def build(p):
        shape, start, length = p
        start = min(start, len(shape))
        length = min(length, len(shape) - start)
        y_shape = shape[start:start + length]
        return st.tuples(st.just(start), *(kst.arrays(shape=s) for s in (shape, y_shape, shape, shape, y_shape)))
    return st.tuples(kst.shapes(), st.integers(0, 3), st.integers(0, 3)).flatmap(build)


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(case=_case())
def test_gradients(name, case):
    axis, x, y, gy, ggx, ggy = case
    f = lambda a, b: FUNCS[name][0](a, b, axis)  # noqa: E731
    check_backward(f, (x, y), gy)
    check_double_backward(f, (x, y), gy, (ggx, ggy))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_errors(name):
    func = FUNCS[name][0]
    x = np.ones((2, 3, 4), np.float32)
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a floating-point dtype"):
        func(np.ones((2, 3), np.int32), np.ones(3, np.float32))
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'y' expected a floating-point dtype"):
        func(x, np.ones(3, np.int32))
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'y' expected dtype float32 .*, got float64$"):
        func(x, np.ones(3))
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'axis' expected an int in \[0, 2\] "
                                          rf"\(x is 3-d, y is 1-d\), got -1$"):
        func(x, np.ones(4, np.float32), -1)
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'axis' expected an int in \[0, 1\] .*, got 2$"):
        func(x, np.ones((3, 4), np.float32), 2)
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'y' expected shape \(3, 4\) \(x.shape\[1:3\]\), "
                                          rf"got \(4, 3\)$"):
        func(x, np.ones((4, 3), np.float32))
