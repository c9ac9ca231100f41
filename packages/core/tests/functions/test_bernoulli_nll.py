import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.bernoulli_nll import bernoulli_nll
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst


def _cases(reduce):
    def build(s):
        gshape = s if reduce == "no" else ()
        return st.tuples(kst.arrays(shape=s, lo=0, hi=1), kst.arrays(shape=s, lo=-4, hi=4),
                         kst.arrays(shape=gshape, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1),
                         kst.arrays(shape=s, lo=-1, hi=1))
    return kst.shapes().flatmap(build)


def _reference(x, y, reduce):
    p = 1 / (1 + np.exp(-y))
    elems = -(x * np.log(p) + (1 - x) * np.log(1 - p))
    return {"no": elems, "sum": elems.sum(), "mean": elems.mean()}[reduce]


@pytest.mark.parametrize("reduce", ["sum", "mean", "no"])
@given(data=st.data())
def test_forward_matches_numpy(reduce, data):
    x, y, *_ = data.draw(_cases(reduce))
    loss = bernoulli_nll(x, y, reduce=reduce)
    expected = _reference(x, y, reduce)
    assert loss.shape == np.shape(expected)
    np.testing.assert_allclose(loss.array, expected, rtol=1e-10, atol=1e-12)


def test_large_logits_do_not_overflow():
    loss = bernoulli_nll(np.array([1.0, 0.0, 0.0], np.float32), np.array([-200.0, 200.0, -200.0], np.float32),
                         reduce="no")
    np.testing.assert_allclose(loss.array, [200.0, 200.0, 0.0])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.array([1.0, 0.0], dtype))
    y = kusari.Variable(np.array([0.5, -1.0], dtype))
    loss = bernoulli_nll(x, y)
    loss.backward()
    assert loss.dtype == dtype and x.grad.dtype == dtype and y.grad.dtype == dtype
    np.testing.assert_allclose(loss.array, _reference(np.array([1.0, 0.0]), np.array([0.5, -1.0]), "sum"),
                               rtol=2e-3)


def test_gradient_values():
    x, y = kusari.Variable(np.array([1.0, 0.0])), kusari.Variable(np.array([0.0, 2.0]))
    bernoulli_nll(x, y).backward()
    np.testing.assert_allclose(y.grad, [0.5 - 1.0, 1 / (1 + np.exp(-2.0))])  # sigmoid(y) - x
    np.testing.assert_allclose(x.grad, [0.0, -2.0])  # -y


@pytest.mark.parametrize("reduce", ["sum", "mean", "no"])
@given(data=st.data())
def test_gradient(reduce, data):
    x, y, gy, *_ = data.draw(_cases(reduce))
    check_backward(lambda x, y: bernoulli_nll(x, y, reduce=reduce), (x, y), gy)


@given(data=st.data())
def test_double_gradient(data):
    x, y, gy, ggx, ggy = data.draw(_cases("no"))
    check_double_backward(lambda x, y: bernoulli_nll(x, y, reduce="no"), (x, y), gy, (ggx, ggy))


def test_input_errors(binary):
    binary.check_input_errors(bernoulli_nll, "bernoulli_nll", "x", "y", shape=(2,), other_shape=(3,))


def test_unknown_reduce_is_rejected(binary):
    binary.check_unknown_reduce_is_rejected(bernoulli_nll, "bernoulli_nll", n_inputs=2)
