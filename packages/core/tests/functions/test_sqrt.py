"""sqrt and rsqrt."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _point(lo, hi):
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=lo, hi=hi), kst.arrays(shape=s), kst.arrays(shape=s)))


REFS = {"sqrt": (F.sqrt, np.sqrt), "rsqrt": (F.rsqrt, lambda x: 1 / np.sqrt(x))}


@pytest.mark.parametrize("name", sorted(REFS))
@given(x=kst.arrays(shape=kst.shapes(), lo=0.0, hi=100.0))
def test_forward_matches_numpy(name, x):
    func, ref = REFS[name]
    with np.errstate(divide="ignore"):  # rsqrt(0) = inf, as in NumPy
        expected, actual = ref(x), func(x).array
    np.testing.assert_allclose(actual, expected, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(REFS))
def test_float32_is_kept_in_forward_and_backward(name):
    x = kusari.Variable(np.array([0.25, 4.0, 9.0], np.float32))
    y = REFS[name][0](x)
    F.sum(y).backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_known_values_and_gradients():
    x = kusari.Variable(np.array([4.0, 0.25]))
    F.sum(F.sqrt(x)).backward()
    np.testing.assert_allclose(x.grad, [0.25, 1.0])   # 1 / (2 sqrt x)
    x.cleargrad()
    y = F.rsqrt(x)
    np.testing.assert_allclose(y.array, [0.5, 2.0])
    F.sum(y).backward()
    np.testing.assert_allclose(x.grad, [-1 / 16, -4.0])  # -x^(-3/2) / 2


@pytest.mark.parametrize("name", sorted(REFS))
@given(point=_point(0.2, 4.0))
def test_gradients(name, point):
    x, gy, ggx = point
    func = REFS[name][0]
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


@pytest.mark.parametrize("name", sorted(REFS))
def test_integer_input_is_rejected(name):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a floating-point dtype .*, got int64$"):
        REFS[name][0](np.array([4], np.int64))
