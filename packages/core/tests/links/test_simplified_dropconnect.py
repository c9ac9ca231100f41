"""L.SimplifiedDropconnect: parameters, lazy in_size, forward equals the function, mask persistent."""
import numpy as np
import pytest

import kusari
from kusari import initializers, serializers
from kusari.functions.noise.simplified_dropconnect import simplified_dropconnect
from kusari.links.noise.simplified_dropconnect import SimplifiedDropconnect
from kusari.testing import check_backward


def test_shapes_and_default_initialisation():
    np.random.seed(0)
    layer = SimplifiedDropconnect(400, 300, ratio=0.3)
    assert layer.ratio == 0.3 and layer.out_size == 300
    assert layer.W.shape == (300, 400) and layer.W.dtype == np.float32
    assert layer.b.shape == (300,) and (layer.b.array == 0).all()
    # HeNormal(scale=1/sqrt(2)): N(0, 1/in_size), as Chainer.
    assert abs(float(layer.W.array.std()) - (1 / 400) ** 0.5) < 0.002
    assert sorted(n for n, _ in layer.namedparams()) == ["/W", "/b"]


def test_lazy_in_size_nobias_and_initializers():
    layer = SimplifiedDropconnect(None, 2, nobias=True, initialW=initializers.One())
    assert layer.W.array is None and layer.b is None
    y = layer(np.ones((3, 2, 2), np.float32), train=False)
    assert layer.W.shape == (2, 4)
    np.testing.assert_array_equal(y.array, np.full((3, 2), 4, np.float32))
    layer = SimplifiedDropconnect(3, 2, initialW=np.arange(6, dtype=np.float32).reshape(2, 3), initial_bias=1.5)
    np.testing.assert_array_equal(layer.W.array, np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(layer.b.array, [1.5, 1.5])


@pytest.mark.parametrize("batchwise", [True, False])
def test_forward_equals_the_function(batchwise):
    layer = SimplifiedDropconnect(3, 4, ratio=0.4)
    x = np.random.standard_normal((5, 3)).astype(np.float32)
    np.random.seed(9)
    y = layer(x, use_batchwise_mask=batchwise)
    np.random.seed(9)
    expected = simplified_dropconnect(x, layer.W.array, layer.b.array, 0.4, use_batchwise_mask=batchwise)
    np.testing.assert_array_equal(y.array, expected.array)


def test_given_mask_is_kept_as_a_persistent_and_survives_npz(tmp_path):
    layer = SimplifiedDropconnect(3, 2, ratio=0.5)
    mask = np.random.rand(4, 2, 3) >= 0.5
    y = layer(np.ones((4, 3), np.float32), mask=mask)
    np.testing.assert_array_equal(
        y.array, simplified_dropconnect(np.ones((4, 3), np.float32), layer.W.array, layer.b.array, 0.5,
                                        mask=mask).array)
    assert layer.mask is mask
    serializers.save_npz(tmp_path / "m.npz", layer)
    other = SimplifiedDropconnect(3, 2)
    other.add_persistent("mask", np.zeros((4, 2, 3), bool))
    serializers.load_npz(tmp_path / "m.npz", other)
    np.testing.assert_array_equal(other.mask, mask)
    np.testing.assert_array_equal(other.W.array, layer.W.array)


def test_gradients_reach_the_parameters():
    layer = SimplifiedDropconnect(3, 2, ratio=0.25)
    layer.W.array = layer.W.array.astype(np.float64)
    layer.b.array = layer.b.array.astype(np.float64)
    mask = np.random.rand(2, 2, 3) >= 0.25
    x = np.random.standard_normal((2, 3))
    check_backward(lambda v: layer(v, mask=mask), x, np.random.standard_normal((2, 2)),
                   params=(layer.W, layer.b))


def test_wrong_input_size_is_reported():
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=r"simplified_dropconnect: argument 'x' expected shape \(N, \.\.\.\) with 3 features"):
        SimplifiedDropconnect(3, 2)(np.ones((2, 4), np.float32))
