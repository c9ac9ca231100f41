"""clip."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import kusari
from kusari.functions.math.clip import clip
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@pytest.mark.parametrize("bounds", [(-0.5, 0.5), (None, 0.25), (-0.25, None), (np.float64(-1), np.float32(1))])
def test_forward_matches_numpy_and_keeps_float32(bounds):
    x = np.random.default_rng(3).uniform(-2, 2, (3, 4)).astype(np.float32)
    y = clip(kusari.Variable(x), *bounds)
    assert y.dtype == np.float32
    lo = -np.inf if bounds[0] is None else bounds[0]
    hi = np.inf if bounds[1] is None else bounds[1]
    np.testing.assert_array_equal(y.array, np.minimum(np.maximum(x, np.float32(lo)), np.float32(hi)))


def test_gradient_passes_inside_the_closed_range_only():
    x = kusari.Variable(np.array([-1.0, 0.0, 0.5, 1.0, 2.0], np.float32))
    y = clip(x, 0.0, 1.0)
    y.grad = np.full(5, 3.0, np.float32)
    y.backward()
    # The ends themselves pass the gradient (Chainer 7.8.1 gives [0, 1, 1, 1, 0]).
    np.testing.assert_array_equal(x.grad, [0, 3, 3, 3, 0])
    assert x.grad.dtype == np.float32


def _away_from_bounds(lo, hi):
    # Values at least 0.1 from each bound: the gradient jumps there.
    return st.floats(-3, 3).filter(lambda v: abs(v - lo) > 0.1 and abs(v - hi) > 0.1)


@given(st.data())
def test_gradients(data):
    lo, hi = -0.5, 1.0
    shape = data.draw(kst.shapes())
    x = data.draw(hnp.arrays(np.float64, shape, elements=_away_from_bounds(lo, hi)))
    gy = data.draw(kst.arrays(shape=shape))
    ggx = data.draw(kst.arrays(shape=shape))
    check_backward(lambda v: clip(v, lo, hi), x, gy)
    check_double_backward(lambda v: clip(v, lo, hi), x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"^clip: argument 'x' expected a floating-point dtype .*, got int32$"):
        clip(np.ones(3, np.int32), 0, 1)


def test_array_bound_is_rejected():
    with pytest.raises(InvalidType, match=r"^clip: argument 'x_min' expected a real scalar or None, got ndarray$"):
        clip(np.ones(3, np.float32), np.zeros(3), 1)


def test_both_bounds_none_is_rejected():
    with pytest.raises(ValueError, match=r"^clip: argument 'x_max' expected a bound when 'x_min' is None, got None$"):
        clip(np.ones(3, np.float32), None, None)


def test_empty_range_is_rejected():
    with pytest.raises(ValueError, match=r"^clip: argument 'x_max' expected a value greater than x_min=2.0, got 1.0$"):
        clip(np.ones(3, np.float32), 2, 1)
