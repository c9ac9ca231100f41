"""L.DilatedConvolution2D: shapes, lazy in_channels, forward equals F.convolution_2d(dilate=...), npz."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import initializers
from kusari.functions.connection.convolution_2d import convolution_2d
from kusari.links.connection.dilated_convolution_2d import DilatedConvolution2D


def test_parameter_names_shapes_and_default_initialisation(conv_links):
    numpy.random.seed(0)
    conv = DilatedConvolution2D(20, 30, (3, 2), dilate=2)
    conv_links.check_default_parameters(conv, (30, 20, 3, 2), 30)
    assert abs(float(conv.W.array.std()) - (1 / 120) ** 0.5) < 0.01   # LeCunNormal
    assert (conv.stride, conv.pad, conv.dilate) == ((1, 1), (0, 0), (2, 2))


@pytest.mark.parametrize("conv", [DilatedConvolution2D(4, 3, dilate=2), DilatedConvolution2D(None, 4, 3,
                                                                                            dilate=2)])
def test_two_argument_shorthand_infers_in_channels_from_the_first_input(conv):
    assert conv.in_channels is None and conv.out_channels == 4 and conv.ksize == 3
    assert conv.W.array is None and conv.b.shape == (4,)
    y = conv(numpy.ones((2, 5, 6, 7), numpy.float32))
    assert conv.W.shape == (4, 5, 3, 3) and y.shape == (2, 4, 2, 3)


@given(st.integers(1, 2), st.integers(1, 2), st.integers(1, 2), st.integers(0, 2), st.integers(1, 3),
       st.booleans(), st.randoms(use_true_random=False))
def test_forward_equals_the_function_with_the_links_parameters(conv_links, batch, ksize, stride, pad, dilate,
                                                              nobias, rnd):
    conv = DilatedConvolution2D(2, 3, ksize, stride, pad, dilate, nobias,
                                initial_bias=initializers.Normal(1.0))
    conv_links.check_forward_equals_function(conv, rnd, (batch, 2, 5, 4), nobias, convolution_2d,
                                             stride, pad, dilate=dilate)


def test_dilated_taps_skip_pixels():
    # Independent of F.convolution_2d: a 2x1 kernel with dilate 3 reads rows i and i + 3.
    rng = numpy.random.RandomState(2)
    W = rng.randn(1, 1, 2, 1).astype(numpy.float32)
    x = rng.randn(1, 1, 5, 2).astype(numpy.float32)
    y = DilatedConvolution2D(1, 1, (2, 1), dilate=3, nobias=True, initialW=W)(x)
    expected = W[0, 0, 0, 0] * x[:, :, 0:2] + W[0, 0, 1, 0] * x[:, :, 3:5]
    numpy.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


def test_initializers_nobias_and_npz_round_trip(conv_links, tmp_path):
    W = numpy.arange(12, dtype=numpy.float32).reshape(2, 3, 2, 1)
    conv_links.check_nobias_link_keeps_initial_W(DilatedConvolution2D(3, 2, (2, 1), nobias=True, initialW=W), W)
    biased = DilatedConvolution2D(3, 2, 2, initialW=0.5, initial_bias=initializers.Normal(1.0))
    assert (biased.W.array == 0.5).all()
    conv_links.check_npz_round_trip(biased, DilatedConvolution2D(2, 2), tmp_path)


def test_gradients_reach_the_parameters(conv_links):
    conv = DilatedConvolution2D(1, 2, (2, 1), dilate=2)
    x = numpy.random.RandomState(0).randn(2, 1, 3, 2).astype(numpy.float32)
    conv_links.backward_of_sum(conv, x)
    numpy.testing.assert_allclose(conv.b.grad, [4, 4])   # 2 samples x 1 x 2 pixels
    taps = numpy.array([x[:, 0, 0].sum(), x[:, 0, 2].sum()], numpy.float32)
    numpy.testing.assert_allclose(conv.W.grad, numpy.broadcast_to(taps[:, None], (2, 1, 2, 1)), rtol=1e-5)
