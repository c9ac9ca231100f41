import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.gaussian_nll import gaussian_nll
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _cases(reduce):
    def build(s):
        gshape = s if reduce == "no" else ()
        return st.tuples(*[kst.arrays(shape=s) for _ in range(3)], kst.arrays(shape=gshape, lo=-1, hi=1),
                         *[kst.arrays(shape=s, lo=-1, hi=1) for _ in range(3)])
    return kst.shapes().flatmap(build)


def _reference(x, mean, ln_var, reduce):
    var = np.exp(ln_var)
    # log of the Gaussian density, written independently of the implementation
    log_pdf = -0.5 * np.log(2 * np.pi * var) - (x - mean) ** 2 / (2 * var)
    elems = -log_pdf
    return {"no": elems, "sum": elems.sum(), "mean": elems.mean()}[reduce]


@pytest.mark.parametrize("reduce", ["sum", "mean", "no"])
@given(data=st.data())
def test_forward_matches_numpy(reduce, data):
    x, mean, ln_var, *_ = data.draw(_cases(reduce))
    y = gaussian_nll(x, mean, ln_var, reduce=reduce)
    expected = _reference(x, mean, ln_var, reduce)
    assert y.shape == np.shape(expected)
    np.testing.assert_allclose(y.array, expected, rtol=1e-10, atol=1e-12)


def test_mean_and_ln_var_broadcast():
    x = np.array([[0.0, 1.0], [2.0, 3.0]])
    mean = np.array([1.0, 0.0])
    ln_var = np.zeros((2, 1))
    y = gaussian_nll(x, mean, ln_var, reduce="no")
    np.testing.assert_allclose(y.array, _reference(x, np.broadcast_to(mean, (2, 2)), np.zeros((2, 2)), "no"))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([0.0, 2.0], dtype))
    mean = kusari.Variable(np.array([0.5, 1.0], dtype))
    ln_var = kusari.Variable(np.array([0.0, -1.0], dtype))
    y = gaussian_nll(x, mean, ln_var)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype and mean.grad.dtype == dtype and ln_var.grad.dtype == dtype
    np.testing.assert_allclose(y.array, _reference(np.array([0.0, 2.0]), np.array([0.5, 1.0]),
                                                   np.array([0.0, -1.0]), "sum"), rtol=2e-3)


def test_gradient_values():
    x, mean, ln_var = (kusari.Variable(np.array([v])) for v in (2.0, 0.5, 0.0))
    gaussian_nll(x, mean, ln_var).backward()
    # d/dx = (x - mean) / var, d/dln_var = 0.5 - 0.5 (x - mean)^2 / var
    np.testing.assert_allclose(x.grad, [1.5])
    np.testing.assert_allclose(mean.grad, [-1.5])
    np.testing.assert_allclose(ln_var.grad, [0.5 - 0.5 * 2.25])


@pytest.mark.parametrize("reduce", ["sum", "mean", "no"])
@given(data=st.data())
def test_gradient(reduce, data):
    x, mean, ln_var, gy, *_ = data.draw(_cases(reduce))
    check_backward(lambda *a: gaussian_nll(*a, reduce=reduce), (x, mean, ln_var), gy)


@given(data=st.data())
def test_double_gradient(data):
    x, mean, ln_var, gy, *ggs = data.draw(_cases("no"))
    check_double_backward(lambda *a: gaussian_nll(*a, reduce="no"), (x, mean, ln_var), gy, tuple(ggs))


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"gaussian_nll: argument 'x' expected a floating-point dtype .*, "
                                          r"got int32"):
        gaussian_nll(np.zeros(2, np.int32), np.zeros(2, np.int32), np.zeros(2, np.int32))


def test_dtype_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"gaussian_nll: argument 'ln_var' expected dtype float32 "
                                          r"\(the dtype of 'x'\), got float64"):
        gaussian_nll(np.zeros(2, np.float32), np.zeros(2, np.float32), np.zeros(2, np.float64))


def test_shape_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"gaussian_nll: argument 'mean' expected shapes of 'x', 'mean' and "
                                          r"'ln_var' that broadcast together, got \(2,\), \(3,\) and \(2,\)"):
        gaussian_nll(np.zeros(2, np.float32), np.zeros(3, np.float32), np.zeros(2, np.float32))


def test_unknown_reduce_is_rejected():
    with pytest.raises(ValueError, match=r"gaussian_nll: argument 'reduce' expected 'sum', 'mean' or 'no', "
                                         r"got 'all'"):
        gaussian_nll(np.zeros(2, np.float32), np.zeros(2, np.float32), np.zeros(2, np.float32), reduce="all")
