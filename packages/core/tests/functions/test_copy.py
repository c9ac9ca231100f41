"""copy."""
import numpy as np
import pytest
from hypothesis import given

import kusari
from kusari import backend
from kusari.functions.array.copy import copy
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@given(kst.arrays(shape=kst.shapes(), dtype=np.float32))
def test_forward_is_an_equal_array_in_new_memory(x):
    for dst in (-1, "@numpy", backend.CPU_DEVICE):
        y = copy(x, dst)
        assert y.dtype == np.float32
        np.testing.assert_array_equal(y.array, x)
        assert not np.shares_memory(y.array, x)


def test_gradient_is_a_copy_on_the_source_device():
    x = kusari.Variable(np.arange(3, dtype=np.float32))
    y = copy(x, -1)
    y.grad = np.array([1, 2, 3], np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [1, 2, 3])
    assert x.grad.dtype == np.float32
    assert backend.get_device_from_array(x.grad) == backend.CPU_DEVICE


@given(kst.arrays(shape=kst.shapes()))
def test_gradients(x):
    gy = np.full_like(x, 0.5)
    check_backward(lambda v: copy(v, -1), (x,), gy)
    check_double_backward(lambda v: copy(v, -1) * v, (x,), gy, (np.ones_like(x),))


def test_bad_device_is_rejected():
    with pytest.raises(InvalidType, match=r"^copy: argument 'dst' expected a device specifier .*got 'cpu' "):
        copy(np.zeros(2), "cpu")
    with pytest.raises(InvalidType, match=r"^copy: argument 'dst' expected a device specifier .*got 1.5 "):
        copy(np.zeros(2), 1.5)
