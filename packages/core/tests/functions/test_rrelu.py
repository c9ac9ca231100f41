import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.rrelu import rrelu
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _x_r_gy_ggx():
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=-3, hi=3, min_magnitude=0.1), kst.arrays(shape=s, lo=0.1, hi=0.4),
        kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1)))


@given(_x_r_gy_ggx())
def test_forward_with_given_r_matches_numpy(args):
    x, r = args[:2]
    np.testing.assert_array_equal(rrelu(x, r=r).array, np.where(x >= 0, x, r * x))


def test_training_draws_r_in_l_u_per_element():
    x = np.full((100, 50), -1.0, np.float32)
    y, r = rrelu(x, l=0.2, u=0.3, return_r=True)
    assert r.shape == x.shape and r.dtype == np.float32 and y.dtype == np.float32
    assert r.min() >= 0.2 and r.max() < 0.3 and r.std() > 0.02
    np.testing.assert_array_equal(y.array, -r)


def test_test_mode_uses_the_midpoint_and_ignores_r():
    x = np.array([-2.0, -1.0, 0.0, 1.0], np.float32)
    with kusari.using_config("train", False):
        y, r = rrelu(x, r=np.full(4, 0.9, np.float32), return_r=True)
    expected_slope = np.float32((1 / 8 + 1 / 3) / 2)
    np.testing.assert_array_equal(r, np.full(4, expected_slope))
    np.testing.assert_allclose(y.array, [-2 * expected_slope, -expected_slope, 0, 1], rtol=1e-6)


def test_float32_is_preserved_and_gradient_at_zero_is_one():
    x = kusari.Variable(np.array([-2.0, 0.0, 3.0], np.float32))
    r = np.array([0.25, 0.25, 0.25], np.float32)
    y = rrelu(x, r=r)
    y.grad = np.full(3, 2, np.float32)
    y.backward()
    assert y.dtype == x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [0.5, 2, 2])


@given(_x_r_gy_ggx())
def test_gradient_and_double_gradient(args):
    x, r, gy, ggx = args
    check_backward(lambda v: rrelu(v, r=r), x, gy)
    check_double_backward(lambda v: rrelu(v, r=r), x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"rrelu: argument 'x' expected a floating-point dtype .*, got int32"):
        rrelu(np.array([1], np.int32))


def test_r_of_wrong_shape_is_rejected():
    with pytest.raises(InvalidType, match=r"rrelu: argument 'r' expected shape \(4,\) \(the shape of 'x'\), got \(3,\)"):
        rrelu(np.ones(4, np.float32), r=np.ones(3, np.float32))


def test_r_of_wrong_dtype_is_rejected():
    with pytest.raises(InvalidType, match=r"rrelu: argument 'r' expected dtype float32 \(the dtype of 'x'\), got float64"):
        rrelu(np.ones(4, np.float32), r=np.ones(4))


def test_l_not_below_u_is_rejected():
    with pytest.raises(ValueError, match=r"rrelu: argument 'u' expected a number greater than l=0.5, got 0.1"):
        rrelu(np.ones(2), l=0.5, u=0.1)
