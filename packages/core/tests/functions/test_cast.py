"""cast."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.cast import cast
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(kst.arrays(shape=kst.shapes(), dtype=np.float32), st.sampled_from([np.float16, np.float64, "float32", "i4"]))
def test_forward_matches_numpy(x, typ):
    y = cast(x, typ)
    assert y.dtype == np.dtype(typ)
    np.testing.assert_array_equal(y.array, x.astype(typ))


@given(kst.arrays(shape=kst.shapes()), st.data())
def test_gradients(x, data):
    # float64 -> float32 -> float64 keeps gradient checks accurate while the node really casts.
    gy, ggx = data.draw(kst.arrays(shape=x.shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: cast(cast(v, np.float32), np.float64)
    check_backward(func, x, gy, atol=1e-3, rtol=1e-3)
    check_double_backward(func, x, gy, ggx, atol=1e-3, rtol=1e-3)


def test_gradient_comes_back_in_the_input_dtype():
    x = kusari.Variable(np.array([1.0, 2.0], np.float32))
    y = cast(x, np.float64)
    assert y.dtype == np.float64
    y.grad = np.array([0.5, 1.5])
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [0.5, 1.5])


def test_same_dtype_is_a_no_op():
    x = np.ones(2, np.float32)
    y = cast(x, np.float32)
    assert y.array is x and y.creator is None


def test_bad_dtype_is_rejected():
    with pytest.raises(InvalidType, match=r"^cast: argument 'typ' expected a NumPy dtype or something numpy.dtype\(\) "
                                          r"accepts, got 'nodtype'$"):
        cast(np.ones(2, np.float32), "nodtype")
