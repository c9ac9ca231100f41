"""Arithmetic (basic_math): add, sub, mul, div, pow, neg, absolute and the Variable operators."""
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _pair(lo=-2.0, hi=2.0, b_lo=None, b_hi=None, b_min_magnitude=0.0):
    """Two arrays of broadcast-compatible shapes plus an output gradient of the broadcast shape."""
    def build(shapes):
        sa, sb = shapes
        out = np.broadcast_shapes(sa, sb)
        return st.tuples(kst.arrays(shape=sa, lo=lo, hi=hi),
                         kst.arrays(shape=sb, lo=lo if b_lo is None else b_lo, hi=hi if b_hi is None else b_hi,
                                    min_magnitude=b_min_magnitude),
                         kst.arrays(shape=out), kst.arrays(shape=sa), kst.arrays(shape=sb))
    return kst.broadcastable_pairs().flatmap(build)


BINARY = {
    # name: (function, operator, NumPy reference, strategy keeping clear of poles / negative bases)
    "add": (F.add, operator.add, np.add, _pair()),
    "sub": (F.sub, operator.sub, np.subtract, _pair()),
    "mul": (F.mul, operator.mul, np.multiply, _pair()),
    "div": (F.div, operator.truediv, np.divide, _pair(b_min_magnitude=0.5)),
    "pow": (F.pow, operator.pow, np.power, _pair(lo=0.5, hi=2.0)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_forward_matches_numpy_with_broadcasting(name, data):
    func, op, ref, strategy = BINARY[name]
    a, b, _, _, _ = data.draw(strategy)
    expected = ref(a, b)
    for y in (func(a, b), op(kusari.Variable(a), kusari.Variable(b))):
        assert isinstance(y, kusari.Variable) and y.shape == expected.shape
        np.testing.assert_allclose(y.array, expected, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_gradients_sum_back_to_each_shape(name, data):
    func, _, _, strategy = BINARY[name]
    a, b, gy, gga, ggb = data.draw(strategy)
    check_backward(func, (a, b), gy)
    check_double_backward(func, (a, b), gy, (gga, ggb))


def test_broadcast_gradient_values():
    a = kusari.Variable(np.ones((2, 3), np.float32))
    b = kusari.Variable(np.array([1.0, 2.0, 4.0], np.float32))
    y = a * b - a / b
    F.sum(y).backward()
    assert y.dtype == a.grad.dtype == b.grad.dtype == np.float32
    np.testing.assert_allclose(a.grad, np.broadcast_to(b.array - 1 / b.array, (2, 3)))
    np.testing.assert_allclose(b.grad, 2 * (1 + 1 / b.array ** 2))


SCALARS = [2, 2.5, np.float64(2.5), np.float32(2.5), np.int64(3), np.float16(0.5)]
OPS = {
    "x + c": lambda x, c: x + c, "c + x": lambda x, c: c + x,
    "x - c": lambda x, c: x - c, "c - x": lambda x, c: c - x,
    "x * c": lambda x, c: x * c, "c * x": lambda x, c: c * x,
    "x / c": lambda x, c: x / c, "c / x": lambda x, c: c / x,
    "x ** c": lambda x, c: x ** c, "c ** x": lambda x, c: c ** x,
}


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("c", SCALARS, ids=lambda c: f"{type(c).__name__}({c})")
def test_scalar_constants_keep_float32(op, c):
    # NumPy 2 (NEP 50) would turn float32 + numpy.float64 into float64; kusari keeps the Variable's dtype.
    x = np.array([0.5, 1.0, 3.0], np.float32)
    y = OPS[op](kusari.Variable(x), c)
    assert isinstance(y, kusari.Variable) and y.dtype == np.float32
    expected = OPS[op](x.astype(np.float64), float(c))
    np.testing.assert_allclose(y.array, expected, rtol=1e-6)


@pytest.mark.parametrize("op", sorted(OPS))
@given(x=kst.arrays(shape=kst.shapes(), lo=0.5, hi=2.0), c=st.floats(0.5, 3.0),
       data=st.data())
def test_scalar_constant_gradients(op, x, c, data):
    gy, ggx = data.draw(kst.arrays(shape=x.shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: OPS[op](v, c)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_numpy_array_on_the_left(name):
    _, op, ref, _ = BINARY[name]
    a = np.array([[1.0, 2.0]], np.float32)
    x = kusari.Variable(np.array([0.5, 4.0], np.float32))
    y = op(a, x)   # ndarray.__op__ defers to Variable's reflected operator
    assert isinstance(y, kusari.Variable) and y.dtype == np.float32
    np.testing.assert_allclose(y.array, ref(a, x.array), rtol=1e-6)
    F.sum(y).backward()
    assert x.grad.shape == (2,) and x.grad.dtype == np.float32


def test_reflected_gradients():
    x = kusari.Variable(np.array([0.5, 2.0]))
    kusari.backward([F.sum(3.0 - x), F.sum(2.0 / x), F.sum(2.0 ** x)])
    np.testing.assert_allclose(x.grad, -1 - 2 / x.array ** 2 + 2 ** x.array * np.log(2))


@given(kst.shapes().flatmap(lambda s: st.tuples(kst.arrays(shape=s), kst.arrays(shape=s), kst.arrays(shape=s))))
def test_neg(point):
    x, gy, ggx = point
    np.testing.assert_array_equal(F.neg(x).array, -x)
    np.testing.assert_array_equal((-kusari.Variable(x)).array, -x)
    check_backward(F.neg, x, gy)
    check_double_backward(F.neg, x, gy, ggx)


@given(kst.shapes().flatmap(lambda s: st.tuples(
    kst.arrays(shape=s, min_magnitude=0.1), kst.arrays(shape=s), kst.arrays(shape=s))))
def test_absolute(point):
    x, gy, ggx = point   # kept away from the kink at 0
    np.testing.assert_array_equal(F.absolute(x).array, np.abs(x))
    np.testing.assert_array_equal(abs(kusari.Variable(x)).array, np.abs(x))
    check_backward(F.absolute, x, gy)
    check_double_backward(F.absolute, x, gy, ggx)


def test_absolute_gradient_is_sign_and_zero_at_zero():
    x = kusari.Variable(np.array([-2.0, 0.0, 3.0], np.float32))
    F.sum(abs(x)).backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0])


def test_pow_variable_variable_gradients():
    a = kusari.Variable(np.array([2.0, 3.0]))
    b = kusari.Variable(np.array([3.0, 0.5]))
    F.sum(a ** b).backward()
    np.testing.assert_allclose(a.grad, b.array * a.array ** (b.array - 1))
    np.testing.assert_allclose(b.grad, a.array ** b.array * np.log(a.array))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_dtype_mismatch_is_rejected(name):
    func, op, _, _ = BINARY[name]
    a = kusari.Variable(np.ones(2, np.float32))
    message = rf"^{name}: argument 'rhs' expected dtype float32 \(the dtype of 'lhs'\), got float64$"
    with pytest.raises(InvalidType, match=message):
        func(a, np.ones(2))
    with pytest.raises(InvalidType, match=message):
        op(a, kusari.Variable(np.ones(2)))


def test_unsupported_operands_are_rejected():
    x = kusari.Variable(np.ones(2, np.float32))
    with pytest.raises(TypeError, match=r"^add: expected a Variable, an array or a scalar, got list$"):
        x + [1.0, 2.0]
    with pytest.raises(TypeError, match=r"^mul: expected a Variable, an array or a scalar, got str$"):
        x * "a"
    with pytest.raises(TypeError, match=r"^add: at least one operand must be a Variable or an array$"):
        F.add(1.0, 2.0)
