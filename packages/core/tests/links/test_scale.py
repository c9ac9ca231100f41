"""L.Scale: learned or given factor, optional Bias child."""
import numpy as np
import pytest

from kusari.functions.math.bias_scale import scale
from kusari.links.connection.scale import Scale
from kusari.testing import check_backward


def test_learned_factor_starts_at_one_with_a_bias_child():
    link = Scale(axis=1, W_shape=(3,), bias_term=True)
    assert link.W.shape == (3,) and (link.W.array == 1).all()
    assert sorted((n, p.shape) for n, p in link.namedparams()) == [("/W", (3,)), ("/bias/b", (3,))]
    assert link.bias.axis == 1


def test_forward_equals_the_functions():
    link = Scale(axis=1, W_shape=(3,), bias_term=True)
    link.W.array[...] = [1, 2, 3]
    link.bias.b.array[...] = [0.5, 0, -1]
    x = np.random.standard_normal((2, 3, 2)).astype(np.float32)
    expected = scale(x, link.W.array, 1).array + np.array([0.5, 0, -1], np.float32)[None, :, None]
    np.testing.assert_allclose(link(x).array, expected, rtol=1e-6)
    assert Scale(W_shape=(3,))(x).array.shape == (2, 3, 2) and "bias" not in Scale(W_shape=(3,)).__dict__


def test_factor_as_second_input_with_bias_shape():
    link = Scale(axis=0, bias_term=True, bias_shape=(2,))
    assert [n for n, _ in link.namedparams()] == ["/bias/b"]
    x, y = np.ones((2, 3), np.float32), np.array([2, 3], np.float32)
    np.testing.assert_array_equal(link(x, y).array, [[2, 2, 2], [3, 3, 3]])
    assert list(Scale().params()) == []


def test_gradient_reaches_W():
    link = Scale(W_shape=(3,))
    link.W.array = np.array([0.5, -1.0, 2.0])
    check_backward(lambda x: link(x), np.random.standard_normal((2, 3)), np.random.standard_normal((2, 3)),
                   params=(link.W,))


def test_errors():
    with pytest.raises(ValueError, match=r"Scale: argument 'bias_shape' expected a shape when bias_term is True"):
        Scale(bias_term=True)
    with pytest.raises(TypeError, match=r"Scale: expected 2 input\(s\) \(x, y\)"):
        Scale()(np.ones((2, 3), np.float32))
