"""linear_interpolate."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.linear_interpolate import linear_interpolate
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

InvalidType = kusari.utils.type_check.InvalidType


def test_forward_matches_numpy_and_keeps_float32():
    p, x, y = (np.random.uniform(-1, 2, (3, 4)).astype(np.float32) for _ in range(3))
    out = linear_interpolate(kusari.Variable(p), kusari.Variable(x), kusari.Variable(y))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.array, p * x + (1 - p) * y, rtol=1e-5, atol=1e-6)


def test_endpoints_pick_x_and_y():
    x = np.random.randn(5).astype(np.float32)
    y = np.random.randn(5).astype(np.float32)
    np.testing.assert_array_equal(linear_interpolate(np.ones(5, np.float32), x, y).array, x)
    np.testing.assert_array_equal(linear_interpolate(np.zeros(5, np.float32), x, y).array, y)


@given(kst.shapes().flatmap(lambda s: st.tuples(*(kst.arrays(shape=s) for _ in range(7)))))
def test_gradients(case):
    p, x, y, gy, ggp, ggx, ggy = case
    check_backward(linear_interpolate, (p, x, y), gy)
    check_double_backward(linear_interpolate, (p, x, y), gy, (ggp, ggx, ggy))


def test_errors():
    a = np.ones(3, np.float32)
    with pytest.raises(InvalidType, match=r"^linear_interpolate: argument 'p' expected a floating-point dtype"):
        linear_interpolate(np.ones(3, np.int32), a, a)
    with pytest.raises(InvalidType, match=r"^linear_interpolate: argument 'y' expected dtype float32 "
                                          r"\(the dtype of 'p'\), got float64$"):
        linear_interpolate(a, a, np.ones(3))
    with pytest.raises(InvalidType, match=r"^linear_interpolate: argument 'x' expected shape \(3,\) "
                                          r"\(the shape of 'p'\), got \(2,\)$"):
        linear_interpolate(a, np.ones(2, np.float32), a)
