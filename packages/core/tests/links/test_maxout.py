"""L.Maxout: a Linear child of out_size * pool_size units, then maxout."""
import numpy as np
import pytest

import kusari
from kusari import initializers
from kusari.links.activation.maxout import Maxout
from kusari.testing import check_backward


def test_child_shapes_and_defaults():
    layer = Maxout(3, 2, 4)
    assert layer.out_size == 2 and layer.pool_size == 4
    assert {n: p.shape for n, p in layer.namedparams()} == {"/linear/W": (8, 3), "/linear/b": (8,)}
    assert (layer.linear.b.array == 0).all()
    assert Maxout(3, 2, 4, initial_bias=None).linear.b is None
    lazy = Maxout(None, 2, 3)
    assert lazy.linear.W.array is None
    assert lazy(np.ones((1, 5), np.float32)).shape == (1, 2) and lazy.linear.W.shape == (6, 5)


def test_grouped_initial_arrays_are_flattened():
    W = np.random.standard_normal((2, 3, 4)).astype(np.float32)   # (out, pool, in)
    b = np.random.standard_normal((2, 3)).astype(np.float32)
    layer = Maxout(4, 2, 3, initialW=W, initial_bias=b)
    np.testing.assert_array_equal(layer.linear.W.array, W.reshape(6, 4))
    np.testing.assert_array_equal(layer.linear.b.array, b.reshape(6))


def test_callable_initializer_sees_the_grouped_shape():
    seen = []

    def init(array):
        seen.append(array.shape)
        array[...] = np.arange(array.size).reshape(array.shape)
    layer = Maxout(4, 2, 3, initialW=init)
    assert seen == [(2, 3, 4)]
    np.testing.assert_array_equal(layer.linear.W.array, np.arange(24).reshape(6, 4))
    assert Maxout(2, 2, 2, initialW=initializers.One()).linear.W.array.sum() == 8


def test_initializer_objects_see_the_flat_shape_as_in_chainer():
    # Plain callables get the grouped view; Initializer objects (whose fan-in
    # depends on the shape) get Linear's (out_size * pool_size, in_size).
    np.random.seed(4)
    a = Maxout(5, 2, 3, initialW=initializers.HeNormal()).linear.W.array
    np.random.seed(4)
    expected = np.random.normal(0.0, (2 / 5) ** 0.5, (6, 5)).astype(np.float32)
    np.testing.assert_allclose(a, expected, rtol=1e-6)


def test_forward_matches_numpy():
    layer = Maxout(3, 2, 4)
    x = np.random.standard_normal((5, 3)).astype(np.float32)
    z = x @ layer.linear.W.array.T + layer.linear.b.array
    expected = z.reshape(5, 2, 4).max(axis=2)
    np.testing.assert_allclose(layer(x).array, expected, rtol=1e-5, atol=1e-6)


def test_gradients_reach_the_parameters():
    with kusari.using_config("dtype", np.float64):  # parameters take config.dtype, like Chainer
        layer = Maxout(3, 2, 2, initial_bias=np.array([[0.0, 1.0], [2.0, -2.0]]))
    check_backward(lambda x: layer(x), np.random.standard_normal((2, 3)) * 0.1, np.random.standard_normal((2, 2)),
                   params=tuple(layer.params()))


def test_errors():
    with pytest.raises(ValueError, match=r"Maxout: argument 'initialW' expected 3 dimensions \(2, 3, 4\), got 2"):
        Maxout(4, 2, 3, initialW=np.zeros((6, 4), np.float32))
    with pytest.raises(ValueError, match=r"Maxout: argument 'initial_bias' expected 2 dimensions \(2, 3\), got 1"):
        Maxout(4, 2, 3, initial_bias=np.zeros(6, np.float32))
