"""sign, ceil, floor, fix."""
import math

import numpy as np
import pytest
from hypothesis import given

import kusari
from kusari.functions.math.rounding import ceil, fix, floor, sign
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

# name: (function, scalar reference from the math module)
FUNCS = {
    "sign": (sign, lambda v: float((v > 0) - (v < 0))),
    "ceil": (ceil, math.ceil),
    "floor": (floor, math.floor),
    "fix": (fix, math.trunc),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
@given(x=kst.arrays(shape=kst.shapes(), dtype=np.float32, lo=-5, hi=5))
def test_forward_matches_scalar_reference(name, x):
    func, ref = FUNCS[name]
    y = func(x)
    assert y.dtype == np.float32 and y.shape == x.shape
    expected = np.array([ref(float(v)) for v in x.ravel()], np.float64).reshape(x.shape)
    np.testing.assert_array_equal(y.array, expected)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_result_is_outside_the_graph(name):
    x = kusari.Variable(np.array([-1.5, 0.0, 2.5], np.float32))
    y = FUNCS[name][0](x)
    assert y.creator is None and not y.requires_grad
    # A loss that mixes the rounded value in still backpropagates to x through the other path.
    z = x * y
    z.grad = np.ones(3, np.float32)
    z.backward()
    np.testing.assert_array_equal(x.grad, y.array)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_keeps_its_dtype(name):
    x = np.array([-3, 0, 4], np.int32)
    y = FUNCS[name][0](x)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y.array, np.sign(x) if name == "sign" else x)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_zero_dim_input_gives_zero_dim_array(name):
    y = FUNCS[name][0](np.array(-2.5, np.float64))
    assert isinstance(y.array, np.ndarray) and y.shape == () and y.dtype == np.float64


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_bool_input_is_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected an integer or floating-point dtype, got bool$"):
        FUNCS[name][0](np.array([True, False]))
