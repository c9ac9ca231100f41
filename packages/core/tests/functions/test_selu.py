import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.activation.selu import selu
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

# The paper's constants, written out independently of the module.
ALPHA = 1.6732632423543772
SCALE = 1.0507009873554805


def _reference(x, alpha=ALPHA, scale=SCALE):
    return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


@given(kst.arrays(shape=kst.shapes(), lo=-10, hi=10))
def test_forward_matches_numpy(x):
    np.testing.assert_allclose(selu(x).array, _reference(x), rtol=1e-12, atol=1e-15)


def test_custom_constants():
    x = np.array([-1.0, 2.0])
    np.testing.assert_allclose(selu(x, alpha=2.0, scale=3.0).array, _reference(x, 2.0, 3.0), rtol=1e-12)


def test_standard_normal_keeps_zero_mean_and_unit_variance():
    # The property the constants were chosen for.
    x = np.random.default_rng(0).standard_normal(200_000)
    y = selu(x).array
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([-1.0, 0.5], dtype))
    y = selu(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(x.grad, [SCALE * ALPHA * np.exp(-1), SCALE], rtol=1e-3)


@given(kst.shapes().flatmap(lambda s: st.tuples(
    kst.arrays(shape=s, lo=-4, hi=4, min_magnitude=0.1), kst.arrays(shape=s, lo=-1, hi=1),
    kst.arrays(shape=s, lo=-1, hi=1))))
def test_gradient_and_double_gradient(args):
    x, gy, ggx = args
    check_backward(selu, x, gy)
    check_double_backward(selu, x, gy, ggx)


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"selu: argument 'x' expected a floating-point dtype .*, got int64"):
        selu(np.array([1], np.int64))
