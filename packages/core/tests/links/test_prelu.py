"""L.PReLU: slope W, forward equals the function."""
import numpy as np
import pytest

from kusari.functions.activation.prelu import prelu
from kusari.links.activation.prelu import PReLU
from kusari.testing import check_backward
from kusari.utils.type_check import InvalidType


def test_default_shape_and_init():
    link = PReLU()
    assert [(n, p.shape) for n, p in link.namedparams()] == [("/W", ())]
    assert link.W.dtype == np.float32 and float(link.W.array) == 0.25
    link = PReLU((3,), init=0.1)
    np.testing.assert_allclose(link.W.array, [0.1] * 3)


def test_forward_matches_numpy_and_the_function():
    link = PReLU((3,), init=np.array([0.1, 0.2, 0.3], np.float32))
    x = np.random.standard_normal((2, 3, 2)).astype(np.float32)
    expected = np.where(x >= 0, x, x * np.array([0.1, 0.2, 0.3], np.float32)[None, :, None])
    np.testing.assert_allclose(link(x).array, expected, rtol=1e-6)
    np.testing.assert_array_equal(link(x).array, prelu(x, link.W.array).array)


def test_gradient_reaches_W():
    link = PReLU((2,))
    link.W.array = np.array([0.3, 0.6])
    x = np.array([[-1.0, 0.5], [0.7, -0.4]])
    check_backward(lambda v: link(v), x, np.random.standard_normal((2, 2)), params=(link.W,))


def test_wrong_shape_is_reported():
    with pytest.raises(InvalidType, match=r"prelu: argument 'W' expected shape"):
        PReLU((4,))(np.zeros((2, 3), np.float32))
