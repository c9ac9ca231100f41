"""zoneout: each element keeps h with probability ratio, else takes x (training only)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.noise.zoneout import zoneout
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _h_x(draw):
    shape = draw(kst.shapes(max_dims=3))
    return draw(kst.arrays(shape=shape)), draw(kst.arrays(shape=shape))


@given(_h_x(), st.sampled_from([0.0, 0.3, 0.5, 1.0]))
def test_forward_matches_numpy_for_the_same_seed(hx, ratio):
    h, x = hx
    np.random.seed(5)
    y = zoneout(h, x, ratio)
    np.random.seed(5)
    keep_x = np.random.rand(*x.shape) >= ratio
    np.testing.assert_array_equal(y.array, np.where(keep_x, x, h))


def test_fraction_of_kept_previous_values():
    np.random.seed(0)
    n = 100_000
    h, x = np.zeros(n, np.float32), np.ones(n, np.float32)
    y = zoneout(h, x, 0.3).array
    assert y.dtype == np.float32
    assert abs((y == 0).mean() - 0.3) < 5 * np.sqrt(0.3 * 0.7 / n)


def test_outside_training_returns_x():
    h, x = np.zeros((2, 3), np.float32), np.ones((2, 3), np.float32)
    with kusari.using_config("train", False):
        y = zoneout(h, x, 0.9)
    assert y.array is x


def test_gradient_goes_to_h_where_h_was_kept():
    np.random.seed(2)
    h = kusari.Variable(np.zeros((4, 5), np.float32))
    x = kusari.Variable(np.ones((4, 5), np.float32))
    y = zoneout(h, x, 0.5)
    gy = np.random.standard_normal((4, 5)).astype(np.float32)
    y.grad = gy
    y.backward()
    from_h = y.array == 0
    assert h.grad.dtype == x.grad.dtype == np.float32
    np.testing.assert_array_equal(h.grad, np.where(from_h, gy, 0))
    np.testing.assert_array_equal(x.grad, np.where(from_h, 0, gy))


@given(_h_x())
def test_backward(noise, hx):
    gy = np.random.standard_normal(hx[0].shape)
    check_backward(noise.with_fixed_noise(lambda h, x: zoneout(h, x, 0.4)), hx, gy)


@given(_h_x())
def test_double_backward(noise, hx):
    shape = hx[0].shape
    gy, ggh, ggx = (np.random.standard_normal(shape) for _ in range(3))
    check_double_backward(noise.with_fixed_noise(lambda h, x: zoneout(h, x, 0.4)), hx, gy, (ggh, ggx))


def test_errors():
    a = np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match=r"zoneout: the 'train' argument is not supported"):
        zoneout(a, a, train=True)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'foo'"):
        zoneout(a, a, foo=1)
    with pytest.raises(InvalidType, match=r"zoneout: argument 'ratio' expected a number in \[0, 1\], got 1.5"):
        zoneout(a, a, 1.5)
    with pytest.raises(InvalidType, match=r"zoneout: argument 'x' expected a floating-point dtype"):
        zoneout(a, np.zeros((2, 3), np.int32))
    with pytest.raises(InvalidType, match=r"zoneout: argument 'h' expected dtype float32 .*got float64"):
        zoneout(np.zeros((2, 3)), a)
    with pytest.raises(InvalidType, match=r"zoneout: argument 'h' expected shape \(2, 3\).*got \(3, 2\)"):
        zoneout(np.zeros((3, 2), np.float32), a)
