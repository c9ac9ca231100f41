"""fmod."""
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.fmod import fmod
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst


def test_forward_matches_math_fmod_and_keeps_float32():
    rng = np.random.default_rng(6)
    x = rng.uniform(-10, 10, (3, 4)).astype(np.float32)
    d = rng.uniform(0.5, 3, (4,)).astype(np.float32) * np.array([1, -1, 1, -1], np.float32)
    y = fmod(kusari.Variable(x), kusari.Variable(d))
    assert y.dtype == np.float32 and y.shape == (3, 4)
    expected = np.array([[math.fmod(float(x[i, j]), float(d[j])) for j in range(4)] for i in range(3)])
    np.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


def test_gradients_match_chainer_values():
    # Chainer 7.8.1 gives x.grad [1, 1] and divisor.grad [-2, 2] here.
    x = kusari.Variable(np.array([5.5, -5.5], np.float32))
    d = kusari.Variable(np.array([2.0, 2.0], np.float32))
    y = fmod(x, d)
    y.grad = np.ones(2, np.float32)
    y.backward()
    np.testing.assert_array_equal(y.array, [1.5, -1.5])
    np.testing.assert_array_equal(x.grad, [1, 1])
    np.testing.assert_array_equal(d.grad, [-2, 2])


def test_broadcast_divisor_gradient_is_summed_back():
    x = kusari.Variable(np.array([[5.5, 1.0], [-7.0, 3.5]], np.float32))
    d = kusari.Variable(np.array([2.0, 3.0], np.float32))
    y = fmod(x, d)
    y.grad = np.ones((2, 2), np.float32)
    y.backward()
    np.testing.assert_array_equal(d.grad, -np.trunc(x.array / d.array).sum(0))
    assert d.grad.shape == (2,) and x.grad.shape == (2, 2)


def _point():
    # x = d * (k + f) with |f| in [0.1, 0.9]: x / d stays away from integers, where fmod jumps.
    def build(shapes):
        s1, s2 = shapes
        full = np.broadcast_shapes(s1, s2)
        return st.tuples(
            kst.arrays(shape=full, dtype=np.int64, lo=-3, hi=3),
            kst.arrays(shape=full, lo=0.1, hi=0.9), st.sampled_from([1.0, -1.0]),
            kst.arrays(shape=s2, lo=0.5, hi=2.0, min_magnitude=0.5),
            kst.arrays(shape=full), kst.arrays(shape=full), kst.arrays(shape=s2))
    return kst.broadcastable_pairs().flatmap(build)


@given(_point())
def test_gradients(point):
    k, f, sign, d, gy, ggx, ggd = point
    x = np.asarray(d * (k + sign * f))
    check_backward(fmod, (x, d), gy)
    check_double_backward(fmod, (x, d), gy, (ggx, ggd))


def test_input_errors(binary):
    binary.check_broadcasting_input_errors(fmod, "fmod", "x", "divisor")
