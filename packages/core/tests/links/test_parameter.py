"""L.Parameter: a link holding one array as W."""
import numpy as np
import pytest

from kusari.links.connection.parameter import Parameter
from kusari.utils.type_check import InvalidType


def test_holds_the_array_as_W():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    link = Parameter(a)
    assert [(n, p.shape, p.dtype) for n, p in link.namedparams()] == [("/W", (2, 3), np.float64)]
    np.testing.assert_array_equal(link.W.array, a)


def test_forward_returns_W_connected_to_the_graph():
    link = Parameter(np.array([1.0, 2.0], np.float32))
    y = link()
    np.testing.assert_array_equal(y.array, [1, 2])
    y.grad = np.array([3.0, 4.0], np.float32)
    y.backward()
    np.testing.assert_array_equal(link.W.grad, [3, 4])


def test_rejects_non_arrays():
    with pytest.raises(InvalidType, match=r"Parameter: argument 'array' expected an array, got list"):
        Parameter([1.0, 2.0])
