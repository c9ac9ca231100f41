"""exp, log, log2, log10."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

FUNCS = {
    "exp": (F.exp, np.exp, -2.0, 2.0),
    "log": (F.log, np.log, 0.3, 3.0),
    "log2": (F.log2, np.log2, 0.3, 3.0),
    "log10": (F.log10, np.log10, 0.3, 3.0),
}


def _point(lo, hi):
    """x in [lo, hi] (the domain away from log's pole) with gy and ggx of its shape."""
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=lo, hi=hi), kst.arrays(shape=s), kst.arrays(shape=s)))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_forward_matches_numpy_and_keeps_float32(name):
    func, ref, lo, hi = FUNCS[name]
    x = np.random.uniform(lo, hi, (3, 4)).astype(np.float32)
    y = func(kusari.Variable(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, ref(x), rtol=1e-6)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_zero_dim_input_gives_zero_dim_array(name):
    func, ref, _, _ = FUNCS[name]
    y = func(np.array(2.0, np.float32))
    assert isinstance(y.array, np.ndarray) and y.shape == ()
    np.testing.assert_allclose(y.array, ref(np.float32(2.0)), rtol=1e-6)


@given(_point(-2.0, 2.0))
def test_exp_gradients(point):
    x, gy, ggx = point
    check_backward(F.exp, x, gy)
    check_double_backward(F.exp, x, gy, ggx)


@pytest.mark.parametrize("name", ["log", "log2", "log10"])
@given(point=_point(0.3, 3.0))
def test_log_gradients(name, point):
    x, gy, ggx = point
    check_backward(FUNCS[name][0], x, gy)
    check_double_backward(FUNCS[name][0], x, gy, ggx)


def test_log_gradient_is_reciprocal():
    x = kusari.Variable(np.array([0.5, 2.0, 4.0], np.float32))
    F.sum(F.log2(x)).backward()
    np.testing.assert_allclose(x.grad, 1 / (np.array([0.5, 2.0, 4.0]) * np.log(2)), rtol=1e-6)
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_integer_input_is_rejected(name):
    func = FUNCS[name][0]
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=rf"^{name}: argument 'x' expected a floating-point dtype .*, got int32$"):
        func(np.ones(3, np.int32))
