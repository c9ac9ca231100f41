import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.gaussian_kl_divergence import gaussian_kl_divergence
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst


def _cases(reduce):
    def build(s):
        gshape = s if reduce == "no" else ()
        return st.tuples(kst.arrays(shape=s), kst.arrays(shape=s), kst.arrays(shape=gshape, lo=-1, hi=1),
                         kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1))
    return kst.shapes().flatmap(build)


def _reference(mean, ln_var, reduce):
    # KL(N(m, s^2) || N(0, 1)) = log(1 / s) + (s^2 + m^2) / 2 - 1/2
    s = np.exp(0.5 * ln_var)
    elems = np.log(1 / s) + (s ** 2 + mean ** 2) / 2 - 0.5
    return {"no": elems, "sum": elems.sum(), "mean": elems.mean()}[reduce]


@pytest.mark.parametrize("reduce", ["sum", "mean", "no"])
@given(data=st.data())
def test_forward_matches_numpy(reduce, data):
    mean, ln_var, *_ = data.draw(_cases(reduce))
    y = gaussian_kl_divergence(mean, ln_var, reduce=reduce)
    expected = _reference(mean, ln_var, reduce)
    assert y.shape == np.shape(expected)
    np.testing.assert_allclose(y.array, expected, rtol=1e-10, atol=1e-12)


def test_standard_normal_has_zero_divergence():
    y = gaussian_kl_divergence(np.zeros((2, 3), np.float32), np.zeros((2, 3), np.float32))
    assert y.array == 0


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    mean = kusari.Variable(np.array([0.5, 1.0], dtype))
    ln_var = kusari.Variable(np.array([0.0, -1.0], dtype))
    y = gaussian_kl_divergence(mean, ln_var)
    y.backward()
    assert y.dtype == dtype and mean.grad.dtype == dtype and ln_var.grad.dtype == dtype
    np.testing.assert_allclose(y.array, _reference(np.array([0.5, 1.0]), np.array([0.0, -1.0]), "sum"), rtol=2e-3)


def test_gradient_values():
    mean, ln_var = kusari.Variable(np.array([2.0])), kusari.Variable(np.array([0.0]))
    gaussian_kl_divergence(mean, ln_var).backward()
    np.testing.assert_allclose(mean.grad, [2.0])     # mean
    np.testing.assert_allclose(ln_var.grad, [0.0])   # 0.5 (exp(ln_var) - 1)


@pytest.mark.parametrize("reduce", ["sum", "mean", "no"])
@given(data=st.data())
def test_gradient(reduce, data):
    mean, ln_var, gy, *_ = data.draw(_cases(reduce))
    check_backward(lambda m, v: gaussian_kl_divergence(m, v, reduce=reduce), (mean, ln_var), gy)


@given(data=st.data())
def test_double_gradient(data):
    mean, ln_var, gy, ggm, ggv = data.draw(_cases("no"))
    check_double_backward(lambda m, v: gaussian_kl_divergence(m, v, reduce="no"), (mean, ln_var), gy, (ggm, ggv))


def test_input_errors(binary):
    binary.check_input_errors(gaussian_kl_divergence, "gaussian_kl_divergence", "mean", "ln_var", shape=(2,), other_shape=(3,))


def test_unknown_reduce_is_rejected(binary):
    binary.check_unknown_reduce_is_rejected(gaussian_kl_divergence, "gaussian_kl_divergence", n_inputs=2)
