"""L.DepthwiseConvolution2D: shapes, lazy in_channels (W and b), forward, initialisers, npz."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import initializers
from kusari.functions.connection.depthwise_convolution_2d import depthwise_convolution_2d
from kusari.links.connection.depthwise_convolution_2d import DepthwiseConvolution2D
from kusari.serializers import load_npz, save_npz


def test_parameter_names_shapes_and_default_initialisation():
    numpy.random.seed(0)
    conv = DepthwiseConvolution2D(30, 2, (3, 2))
    assert conv.W.shape == (2, 30, 3, 2) and conv.W.dtype == numpy.float32
    assert conv.b.shape == (60,) and (conv.b.array == 0).all()
    assert [n for n, _ in conv.namedparams()] == ["/W", "/b"]
    # HeNormal(1 / sqrt(2)): std = sqrt(1 / fan_in), fan_in = 30 * 3 * 2 (W's axis 1 onwards)
    assert abs(float(conv.W.array.std()) - (1 / 180) ** 0.5) < 0.005
    assert (conv.stride, conv.pad) == ((1, 1), (0, 0))


def test_lazy_in_channels_shapes_weight_and_bias_on_the_first_input():
    conv = DepthwiseConvolution2D(None, 3, 2)
    assert conv.W.array is None and conv.b.array is None
    y = conv(numpy.ones((2, 4, 3, 3), numpy.float32))
    assert conv.W.shape == (3, 4, 2, 2) and conv.b.shape == (12,) and y.shape == (2, 12, 2, 2)


@given(st.integers(1, 2), st.integers(1, 3), st.integers(1, 2), st.integers(1, 2), st.integers(0, 1),
       st.booleans(), st.randoms(use_true_random=False))
def test_forward_equals_the_function_with_the_links_parameters(batch, multiplier, ksize, stride, pad, nobias,
                                                              rnd):
    rng = numpy.random.RandomState(rnd.randint(0, 2 ** 31))
    conv = DepthwiseConvolution2D(3, multiplier, ksize, stride, pad, nobias,
                                  initial_bias=initializers.Normal(1.0))
    x = rng.randn(batch, 3, 4, 3).astype(numpy.float32)
    y = conv(x)
    expected = depthwise_convolution_2d(x, conv.W.array, None if nobias else conv.b.array, stride, pad)
    assert y.dtype == numpy.float32
    numpy.testing.assert_allclose(y.array, expected.array, rtol=1e-6, atol=1e-6)


def test_one_by_one_kernel_scales_each_channel():
    # Independent of F.depthwise_convolution_2d: output channel c * multiplier + m is W[m, c] * x[c] + b.
    rng = numpy.random.RandomState(2)
    W, b = rng.randn(2, 3, 1, 1).astype(numpy.float32), rng.randn(6).astype(numpy.float32)
    x = rng.randn(2, 3, 2, 2).astype(numpy.float32)
    y = DepthwiseConvolution2D(3, 2, 1, initialW=W, initial_bias=b)(x)
    expected = (W[:, :, 0, 0].T[None, :, :, None, None] * x[:, :, None]).reshape(2, 6, 2, 2)
    numpy.testing.assert_allclose(y.array, expected + b[:, None, None], rtol=1e-5, atol=1e-6)


def test_initializers_nobias_and_npz_round_trip(tmp_path):
    W = numpy.arange(12, dtype=numpy.float32).reshape(2, 3, 2, 1)
    conv = DepthwiseConvolution2D(3, 2, (2, 1), nobias=True, initialW=W)
    assert conv.b is None and [n for n, _ in conv.namedparams()] == ["/W"]
    numpy.testing.assert_array_equal(conv.W.array, W)
    biased = DepthwiseConvolution2D(3, 2, 2, initialW=0.5, initial_bias=initializers.Normal(1.0))
    assert (biased.W.array == 0.5).all()
    save_npz(tmp_path / "depthwise.npz", biased)
    loaded = DepthwiseConvolution2D(None, 2, 2)
    load_npz(tmp_path / "depthwise.npz", loaded)
    numpy.testing.assert_array_equal(loaded.W.array, biased.W.array)
    numpy.testing.assert_array_equal(loaded.b.array, biased.b.array)


def test_gradients_reach_the_parameters():
    conv = DepthwiseConvolution2D(2, 3, 2)
    x = numpy.random.RandomState(0).randn(2, 2, 3, 3).astype(numpy.float32)
    loss = kusari.functions.sum(conv(x))
    conv.cleargrads()
    loss.backward()
    numpy.testing.assert_allclose(conv.b.grad, numpy.full(6, 8.0))   # 2 samples x 2 x 2 pixels
    windows = sum(x[:, :, i:i + 2, j:j + 2] for i in range(2) for j in range(2)).sum(axis=0)
    numpy.testing.assert_allclose(conv.W.grad, numpy.broadcast_to(windows, (3, 2, 2, 2)), rtol=1e-5)


def test_ksize_is_required():
    with pytest.raises(TypeError):
        DepthwiseConvolution2D(3, 2)
