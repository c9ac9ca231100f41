"""L.Convolution2D: parameter shapes, lazy in_channels, forward equals F.convolution_2d, npz, errors."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import initializers
from kusari.functions.connection.convolution_2d import convolution_2d
from kusari.links.connection.convolution_2d import Convolution2D


def test_parameter_names_shapes_and_default_initialisation(conv_links):
    numpy.random.seed(0)
    conv = Convolution2D(20, 30, (3, 2), groups=2)
    conv_links.check_default_parameters(conv, (30, 10, 3, 2), 30)
    # LeCunNormal: N(0, 1 / fan_in), fan_in = 10 * 3 * 2
    assert abs(float(conv.W.array.std()) - (1 / 60) ** 0.5) < 0.01
    assert (conv.stride, conv.pad, conv.dilate) == ((1, 1), (0, 0), (1, 1))
    assert str(Convolution2D(1, 2, 3, stride=2)) == (
        "Convolution2D(in_channels=1, out_channels=2, ksize=3, stride=(2, 2), pad=(0, 0), "
        "nobias=False, dilate=(1, 1), groups=1)")


@pytest.mark.parametrize("conv", [Convolution2D(4, 3), Convolution2D(None, 4, 3)])
def test_two_argument_shorthand_infers_in_channels_from_the_first_input(conv):
    assert conv.in_channels is None and conv.out_channels == 4 and conv.ksize == 3
    assert conv.W.array is None and conv.b.shape == (4,)
    y = conv(numpy.ones((2, 5, 6, 7), numpy.float32))
    assert conv.W.shape == (4, 5, 3, 3) and y.shape == (2, 4, 4, 5)


@given(st.integers(1, 2), st.sampled_from([1, 2]), st.integers(1, 2), st.integers(1, 2),
       st.integers(0, 1), st.integers(1, 2), st.booleans(), st.randoms(use_true_random=False))
def test_forward_equals_the_function_with_the_links_parameters(conv_links, batch, groups, ksize, stride, pad,
                                                              dilate, nobias, rnd):
    conv = Convolution2D(2 * groups, 2 * groups, ksize, stride, pad, nobias,
                         initial_bias=initializers.Normal(1.0), dilate=dilate, groups=groups)
    conv_links.check_forward_equals_function(conv, rnd, (batch, 2 * groups, 5, 4), nobias, convolution_2d,
                                             stride, pad, dilate=dilate, groups=groups)


def test_one_by_one_kernel_is_a_channel_mix_plus_bias():
    # Independent of F.convolution_2d: a 1x1 convolution with stride 2 and no padding.
    rng = numpy.random.RandomState(2)
    W, b = rng.randn(3, 2, 1, 1).astype(numpy.float32), rng.randn(3).astype(numpy.float32)
    x = rng.randn(2, 2, 5, 5).astype(numpy.float32)
    y = Convolution2D(2, 3, 1, stride=2, initialW=W, initial_bias=b)(x)
    expected = numpy.einsum("oc,nchw->nohw", W[:, :, 0, 0], x[:, :, ::2, ::2]) + b[:, None, None]
    numpy.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


def test_initializers_and_nobias(conv_links):
    W = numpy.arange(12, dtype=numpy.float32).reshape(2, 3, 2, 1)
    conv_links.check_nobias_link_keeps_initial_W(Convolution2D(3, 2, (2, 1), nobias=True, initialW=W), W)
    const = Convolution2D(1, 2, 2, initialW=0.5, initial_bias=initializers.One())
    assert (const.W.array == 0.5).all() and (const.b.array == 1).all()


def test_gradients_reach_the_parameters(conv_links):
    conv = Convolution2D(2, 3, 2)
    x = numpy.random.RandomState(0).randn(2, 2, 3, 3).astype(numpy.float32)
    conv_links.backward_of_sum(conv, x)
    # d sum / d b = number of output pixels per channel; d sum / d W = sums of input windows.
    numpy.testing.assert_allclose(conv.b.grad, [8, 8, 8])
    windows = sum(x[:, :, i:i + 2, j:j + 2] for i in range(2) for j in range(2)).sum(axis=0)
    numpy.testing.assert_allclose(conv.W.grad, numpy.broadcast_to(windows, (3, 2, 2, 2)), rtol=1e-5)


def test_npz_round_trip_into_a_lazy_link(conv_links, tmp_path):
    conv = Convolution2D(3, 4, 2, initial_bias=initializers.Normal(1.0))
    loaded = Convolution2D(4, 2)
    conv_links.check_npz_round_trip(conv, loaded, tmp_path)
    x = numpy.ones((1, 3, 3, 3), numpy.float32)
    numpy.testing.assert_array_equal(loaded(x).array, conv(x).array)


def test_from_params():
    W = numpy.ones((4, 1, 3, 2), numpy.float32)
    conv = Convolution2D.from_params(kusari.Variable(W), numpy.zeros(4, numpy.float32), stride=2, groups=2)
    assert (conv.in_channels, conv.out_channels, conv.ksize, conv.stride) == (2, 4, (3, 2), (2, 2))
    numpy.testing.assert_array_equal(conv.W.array, W)
    assert Convolution2D.from_params(W, nobias=True).b is None
    with pytest.raises(ValueError, match=r"Convolution2D.from_params: argument 'b' expected 4 elements "
                                         r"\(out_channels of W\), got 3"):
        Convolution2D.from_params(W, numpy.zeros(3, numpy.float32))


def test_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=r"Convolution2D: argument 'out_channels' expected a multiple of "
                                         r"groups=2, got 3"):
        Convolution2D(4, 3, 1, groups=2)
    lazy = Convolution2D(4, 1, groups=2)
    with pytest.raises(ValueError, match=r"Convolution2D: argument 'in_channels' expected a multiple of "
                                         r"groups=2, got 3"):
        lazy(numpy.ones((1, 3, 2, 2), numpy.float32))
    with pytest.raises(TypeError):
        Convolution2D(4, 3, 1, 1, 0, False, None, None, 2)   # dilate is keyword only
