"""L.Swish: beta shape (lazy when None), forward equals the function."""
import numpy as np
import pytest

from kusari.functions.activation.swish import swish
from kusari.links.activation.swish import Swish
from kusari.testing import check_backward
from kusari.utils.type_check import InvalidType


def test_beta_shape_and_init():
    link = Swish((3,), beta_init=0.5)
    assert [(n, p.shape) for n, p in link.namedparams()] == [("/beta", (3,))]
    np.testing.assert_array_equal(link.beta.array, [0.5] * 3)


def test_lazy_beta_takes_the_input_shape():
    link = Swish(None, beta_init=2.0)
    assert link.beta.array is None
    x = np.random.standard_normal((4, 2, 3)).astype(np.float32)
    y = link(x)
    assert link.beta.shape == (2, 3) and link.beta.dtype == np.float32
    np.testing.assert_allclose(y.array, x / (1 + np.exp(-2 * x)), rtol=1e-5, atol=1e-7)


def test_forward_equals_the_function():
    link = Swish((2,))
    link.beta.array[...] = [0.5, -1.0]
    x = np.random.standard_normal((3, 2)).astype(np.float32)
    np.testing.assert_array_equal(link(x).array, swish(x, link.beta.array).array)


def test_gradient_reaches_beta():
    link = Swish((3,))
    link.beta.array = np.array([0.5, 1.0, 1.5])
    check_backward(lambda v: link(v), np.random.standard_normal((2, 3)), np.random.standard_normal((2, 3)),
                   params=(link.beta,))


def test_wrong_shape_is_reported():
    with pytest.raises(InvalidType, match=r"swish: argument 'beta' expected shape"):
        Swish((4,))(np.zeros((2, 3), np.float32))
