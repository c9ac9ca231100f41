"""L.DilatedConvolution2D: shapes, lazy in_channels, forward equals F.convolution_2d(dilate=...), npz."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import initializers
from kusari.functions.connection.convolution_2d import convolution_2d
from kusari.links.connection.dilated_convolution_2d import DilatedConvolution2D
from kusari.serializers import load_npz, save_npz


def test_parameter_names_shapes_and_default_initialisation():
    numpy.random.seed(0)
    conv = DilatedConvolution2D(20, 30, (3, 2), dilate=2)
    assert conv.W.shape == (30, 20, 3, 2) and conv.W.dtype == numpy.float32
    assert conv.b.shape == (30,) and (conv.b.array == 0).all()
    assert [n for n, _ in conv.namedparams()] == ["/W", "/b"]
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
def test_forward_equals_the_function_with_the_links_parameters(batch, ksize, stride, pad, dilate, nobias, rnd):
    rng = numpy.random.RandomState(rnd.randint(0, 2 ** 31))
    conv = DilatedConvolution2D(2, 3, ksize, stride, pad, dilate, nobias,
                                initial_bias=initializers.Normal(1.0))
    x = rng.randn(batch, 2, 5, 4).astype(numpy.float32)
    y = conv(x)
    expected = convolution_2d(x, conv.W.array, None if nobias else conv.b.array, stride, pad, dilate=dilate)
    assert y.dtype == numpy.float32
    numpy.testing.assert_allclose(y.array, expected.array, rtol=1e-6, atol=1e-6)


def test_dilated_taps_skip_pixels():
    # Independent of F.convolution_2d: a 2x1 kernel with dilate 3 reads rows i and i + 3.
    rng = numpy.random.RandomState(2)
    W = rng.randn(1, 1, 2, 1).astype(numpy.float32)
    x = rng.randn(1, 1, 5, 2).astype(numpy.float32)
    y = DilatedConvolution2D(1, 1, (2, 1), dilate=3, nobias=True, initialW=W)(x)
    expected = W[0, 0, 0, 0] * x[:, :, 0:2] + W[0, 0, 1, 0] * x[:, :, 3:5]
    numpy.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


def test_initializers_nobias_and_npz_round_trip(tmp_path):
    W = numpy.arange(12, dtype=numpy.float32).reshape(2, 3, 2, 1)
    conv = DilatedConvolution2D(3, 2, (2, 1), nobias=True, initialW=W)
    assert conv.b is None and [n for n, _ in conv.namedparams()] == ["/W"]
    numpy.testing.assert_array_equal(conv.W.array, W)
    biased = DilatedConvolution2D(3, 2, 2, initialW=0.5, initial_bias=initializers.Normal(1.0))
    assert (biased.W.array == 0.5).all()
    save_npz(tmp_path / "dilated.npz", biased)
    loaded = DilatedConvolution2D(2, 2)
    load_npz(tmp_path / "dilated.npz", loaded)
    numpy.testing.assert_array_equal(loaded.W.array, biased.W.array)
    numpy.testing.assert_array_equal(loaded.b.array, biased.b.array)


def test_gradients_reach_the_parameters():
    conv = DilatedConvolution2D(1, 2, (2, 1), dilate=2)
    x = numpy.random.RandomState(0).randn(2, 1, 3, 2).astype(numpy.float32)
    loss = kusari.functions.sum(conv(x))
    conv.cleargrads()
    loss.backward()
    numpy.testing.assert_allclose(conv.b.grad, [4, 4])   # 2 samples x 1 x 2 pixels
    taps = numpy.array([x[:, 0, 0].sum(), x[:, 0, 2].sum()], numpy.float32)
    numpy.testing.assert_allclose(conv.W.grad, numpy.broadcast_to(taps[:, None], (2, 1, 2, 1)), rtol=1e-5)
