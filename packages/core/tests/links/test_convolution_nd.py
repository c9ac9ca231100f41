"""L.ConvolutionND / Convolution1D / Convolution3D: shapes, lazy in_channels, forward, npz, errors."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import initializers
from kusari.functions.connection.convolution_nd import convolution_nd
from kusari.links.connection.convolution_nd import Convolution1D, Convolution3D, ConvolutionND

# (make a link from (in_channels, out_channels, ksize, **kwargs), its ndim)
LINKS = [
    (lambda *a, **k: ConvolutionND(1, *a, **k), 1),
    (lambda *a, **k: ConvolutionND(2, *a, **k), 2),
    (lambda *a, **k: ConvolutionND(3, *a, **k), 3),
    (Convolution1D, 1),
    (Convolution3D, 3),
]


@pytest.mark.parametrize(("make", "ndim"), LINKS)
def test_parameter_names_shapes_and_lazy_in_channels(conv_links, make, ndim):
    conv = make(6, 4, 2, groups=2)
    conv_links.check_default_parameters(conv, (4, 3) + (2,) * ndim, 4)
    assert conv.ksize == (2,) * ndim and conv.dilate == (1,) * ndim
    lazy = make(None, 4, 2)
    assert lazy.W.array is None and lazy.b.shape == (4,)
    y = lazy(numpy.ones((2, 5) + (3,) * ndim, numpy.float32))
    assert lazy.W.shape == (4, 5) + (2,) * ndim and y.shape == (2, 4) + (2,) * ndim


def test_nd_two_argument_shorthand_and_tuple_ksize():
    conv = ConvolutionND(2, 4, (3, 1))
    assert conv.in_channels is None and conv.out_channels == 4 and conv.ksize == (3, 1)
    assert conv(numpy.ones((1, 2, 5, 5), numpy.float32)).shape == (1, 4, 3, 5)
    assert conv.W.shape == (4, 2, 3, 1)


def test_default_initialisation_is_lecun_normal():
    numpy.random.seed(0)
    conv = Convolution3D(10, 40, 3)
    assert abs(float(conv.W.array.std()) - (1 / 270) ** 0.5) < 0.005


@given(st.sampled_from(LINKS), st.sampled_from([1, 2]), st.integers(1, 2), st.integers(0, 1),
       st.integers(1, 2), st.booleans(), st.booleans(), st.randoms(use_true_random=False))
def test_forward_equals_the_function_with_the_links_parameters(conv_links, link, groups, stride, pad, dilate,
                                                              cover_all, nobias, rnd):
    make, ndim = link
    conv = make(2 * groups, 2 * groups, 2, stride=stride, pad=pad, nobias=nobias,
                initial_bias=initializers.Normal(1.0), cover_all=cover_all, dilate=dilate, groups=groups)
    conv_links.check_forward_equals_function(conv, rnd, (2, 2 * groups) + (4,) * ndim, nobias, convolution_nd,
                                             stride, pad, cover_all=cover_all, dilate=dilate, groups=groups)


def test_one_kernel_tap_is_a_channel_mix_plus_bias():
    # Independent of F.convolution_nd: ksize 1 and stride 2 over a 1-D signal.
    rng = numpy.random.RandomState(2)
    W, b = rng.randn(3, 2, 1).astype(numpy.float32), rng.randn(3).astype(numpy.float32)
    x = rng.randn(2, 2, 7).astype(numpy.float32)
    y = Convolution1D(2, 3, 1, stride=2, initialW=W, initial_bias=b)(x)
    expected = numpy.einsum("oc,ncl->nol", W[:, :, 0], x[:, :, ::2]) + b[:, None]
    numpy.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("make", "ndim"), LINKS)
def test_initializers_nobias_and_npz_round_trip(conv_links, make, ndim, tmp_path):
    W = numpy.arange(2 * 3 * 2 ** ndim, dtype=numpy.float32).reshape((2, 3) + (2,) * ndim)
    conv_links.check_nobias_link_keeps_initial_W(make(3, 2, 2, nobias=True, initialW=W), W)
    biased = make(3, 2, 2, initialW=0.5, initial_bias=initializers.Normal(1.0))
    assert (biased.W.array == 0.5).all()
    conv_links.check_npz_round_trip(biased, make(None, 2, 2), tmp_path)


def test_gradients_reach_the_parameters(conv_links):
    conv = Convolution1D(2, 3, 2)
    x = numpy.random.RandomState(0).randn(2, 2, 4).astype(numpy.float32)
    conv_links.backward_of_sum(conv, x)
    numpy.testing.assert_allclose(conv.b.grad, [6, 6, 6])   # 2 samples x 3 output positions
    windows = numpy.stack([x[:, :, 0:3].sum(axis=(0, 2)), x[:, :, 1:4].sum(axis=(0, 2))], axis=-1)
    numpy.testing.assert_allclose(conv.W.grad, numpy.broadcast_to(windows, (3, 2, 2)), rtol=1e-5)


def test_from_params():
    W = numpy.ones((4, 1, 3, 2, 2), numpy.float32)
    conv = ConvolutionND.from_params(kusari.Variable(W), numpy.zeros(4, numpy.float32), groups=2,
                                     cover_all=True)
    assert (conv.in_channels, conv.out_channels, conv.ksize, conv.cover_all) == (2, 4, (3, 2, 2), True)
    numpy.testing.assert_array_equal(conv.W.array, W)
    with pytest.raises(ValueError, match=r"ConvolutionND.from_params: argument 'b' expected 4 elements "
                                         r"\(out_channels of W\), got 5"):
        ConvolutionND.from_params(W, numpy.zeros(5, numpy.float32))


def test_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=r"Convolution1D: argument 'out_channels' expected a multiple of "
                                         r"groups=2, got 3"):
        Convolution1D(4, 3, 1, groups=2)
    lazy = ConvolutionND(2, None, 4, 1, groups=4)
    with pytest.raises(ValueError, match=r"ConvolutionND: argument 'in_channels' expected a multiple of "
                                         r"groups=4, got 6"):
        lazy(numpy.ones((1, 6, 2, 2), numpy.float32))
