"""L.Bias: a learned bias or one given as the second input."""
import numpy as np
import pytest

from kusari.functions.math.bias_scale import bias
from kusari.links.connection.bias import Bias
from kusari.testing import check_backward


def test_learned_bias_starts_at_zero_with_the_given_shape():
    link = Bias(axis=1, shape=(3, 4))
    assert link.axis == 1 and link.b.shape == (3, 4) and link.b.dtype == np.float32
    assert (link.b.array == 0).all()
    assert [n for n, _ in link.namedparams()] == ["/b"]


def test_forward_equals_the_function():
    link = Bias(axis=1, shape=(3,))
    link.b.array[...] = [1, 2, 3]
    x = np.random.standard_normal((2, 3, 4)).astype(np.float32)
    np.testing.assert_array_equal(link(x).array, bias(x, link.b.array, 1).array)
    np.testing.assert_allclose(link(x).array, x + np.array([1, 2, 3], np.float32)[None, :, None])


def test_without_shape_the_bias_is_the_second_input():
    link = Bias(axis=0)
    assert list(link.params()) == []
    x, y = np.zeros((2, 3), np.float32), np.array([1, 2], np.float32)
    np.testing.assert_array_equal(link(x, y).array, [[1, 1, 1], [2, 2, 2]])


def test_gradient_reaches_b():
    link = Bias(shape=(3,))
    link.b.array = link.b.array.astype(np.float64)
    check_backward(lambda x: link(x), np.random.standard_normal((2, 3)), np.random.standard_normal((2, 3)),
                   params=(link.b,))


def test_wrong_number_of_inputs():
    with pytest.raises(TypeError, match=r"Bias: expected 1 input\(s\) \(x,\) \(the parameter is learned\), got 2"):
        Bias(shape=(3,))(np.zeros((2, 3), np.float32), np.zeros(3, np.float32))
    with pytest.raises(TypeError, match=r"Bias: expected 2 input\(s\) \(x, y\) \(no shape was given\), got 1"):
        Bias()(np.zeros((2, 3), np.float32))
