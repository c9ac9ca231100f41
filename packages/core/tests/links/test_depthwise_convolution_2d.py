"""L.DepthwiseConvolution2D: shapes, lazy in_channels (W and b), forward, initialisers, npz."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import initializers
from kusari.functions.connection.depthwise_convolution_2d import depthwise_convolution_2d
from kusari.links.connection.depthwise_convolution_2d import DepthwiseConvolution2D


def test_parameter_names_shapes_and_default_initialisation(conv_links):
    numpy.random.seed(0)
    conv = DepthwiseConvolution2D(30, 2, (3, 2))
    conv_links.check_default_parameters(conv, (2, 30, 3, 2), 60)
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
def test_forward_equals_the_function_with_the_links_parameters(conv_links, batch, multiplier, ksize, stride,
                                                              pad, nobias, rnd):
    conv = DepthwiseConvolution2D(3, multiplier, ksize, stride, pad, nobias,
                                  initial_bias=initializers.Normal(1.0))
    conv_links.check_forward_equals_function(conv, rnd, (batch, 3, 4, 3), nobias, depthwise_convolution_2d,
                                             stride, pad)


def test_one_by_one_kernel_scales_each_channel():
    # Independent of F.depthwise_convolution_2d: output channel c * multiplier + m is W[m, c] * x[c] + b.
    rng = numpy.random.RandomState(2)
    W, b = rng.randn(2, 3, 1, 1).astype(numpy.float32), rng.randn(6).astype(numpy.float32)
    x = rng.randn(2, 3, 2, 2).astype(numpy.float32)
    y = DepthwiseConvolution2D(3, 2, 1, initialW=W, initial_bias=b)(x)
    expected = (W[:, :, 0, 0].T[None, :, :, None, None] * x[:, :, None]).reshape(2, 6, 2, 2)
    numpy.testing.assert_allclose(y.array, expected + b[:, None, None], rtol=1e-5, atol=1e-6)


def test_initializers_nobias_and_npz_round_trip(conv_links, tmp_path):
    W = numpy.arange(12, dtype=numpy.float32).reshape(2, 3, 2, 1)
    conv_links.check_nobias_link_keeps_initial_W(DepthwiseConvolution2D(3, 2, (2, 1), nobias=True, initialW=W),
                                                 W)
    biased = DepthwiseConvolution2D(3, 2, 2, initialW=0.5, initial_bias=initializers.Normal(1.0))
    assert (biased.W.array == 0.5).all()
    conv_links.check_npz_round_trip(biased, DepthwiseConvolution2D(None, 2, 2), tmp_path)


def test_gradients_reach_the_parameters(conv_links):
    conv = DepthwiseConvolution2D(2, 3, 2)
    x = numpy.random.RandomState(0).randn(2, 2, 3, 3).astype(numpy.float32)
    conv_links.backward_of_sum(conv, x)
    numpy.testing.assert_allclose(conv.b.grad, numpy.full(6, 8.0))   # 2 samples x 2 x 2 pixels
    windows = sum(x[:, :, i:i + 2, j:j + 2] for i in range(2) for j in range(2)).sum(axis=0)
    numpy.testing.assert_allclose(conv.W.grad, numpy.broadcast_to(windows, (3, 2, 2, 2)), rtol=1e-5)


def test_ksize_is_required():
    with pytest.raises(TypeError):
        DepthwiseConvolution2D(3, 2)
