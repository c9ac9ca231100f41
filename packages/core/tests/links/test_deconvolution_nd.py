"""L.DeconvolutionND / Deconvolution1D / Deconvolution3D: shapes, lazy in_channels, forward, npz, errors."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import initializers
from kusari.functions.connection.deconvolution_nd import deconvolution_nd
from kusari.links.connection.deconvolution_nd import Deconvolution1D, Deconvolution3D, DeconvolutionND

# (make a link from (in_channels, out_channels, ksize, **kwargs), its ndim)
LINKS = [
    (lambda *a, **k: DeconvolutionND(1, *a, **k), 1),
    (lambda *a, **k: DeconvolutionND(2, *a, **k), 2),
    (lambda *a, **k: DeconvolutionND(3, *a, **k), 3),
    (Deconvolution1D, 1),
    (Deconvolution3D, 3),
]


@pytest.mark.parametrize(("make", "ndim"), LINKS)
def test_parameter_names_shapes_and_lazy_in_channels(conv_links, make, ndim):
    deconv = make(6, 4, 2, groups=2)
    conv_links.check_default_parameters(deconv, (6, 2) + (2,) * ndim, 4)
    lazy = make(None, 4, 2, stride=2)
    assert lazy.W.array is None and lazy.b.shape == (4,)
    y = lazy(numpy.ones((2, 5) + (3,) * ndim, numpy.float32))
    # stride * (in - 1) + ksize - 2 * pad
    assert lazy.W.shape == (5, 4) + (2,) * ndim and y.shape == (2, 4) + (6,) * ndim


def test_nd_two_argument_shorthand_and_outsize():
    deconv = DeconvolutionND(2, 4, 3, stride=2, outsize=(6, 5))
    assert deconv.in_channels is None and deconv.out_channels == 4 and deconv.ksize == (3, 3)
    assert deconv(numpy.ones((1, 2, 2, 2), numpy.float32)).shape == (1, 4, 6, 5)
    assert deconv.W.shape == (2, 4, 3, 3)


@given(st.sampled_from(LINKS), st.sampled_from([1, 2]), st.integers(1, 2), st.integers(0, 1),
       st.integers(1, 2), st.booleans(), st.randoms(use_true_random=False))
def test_forward_equals_the_function_with_the_links_parameters(conv_links, link, groups, stride, pad, dilate,
                                                              nobias, rnd):
    make, ndim = link
    deconv = make(2 * groups, 2 * groups, 2, stride=stride, pad=pad, nobias=nobias,
                  initial_bias=initializers.Normal(1.0), dilate=dilate, groups=groups)
    conv_links.check_forward_equals_function(deconv, rnd, (2, 2 * groups) + (3,) * ndim, nobias,
                                             deconvolution_nd, stride, pad, dilate=dilate, groups=groups)


def test_stride_equal_to_ksize_tiles_the_kernel():
    # Independent of F.deconvolution_nd: with stride == ksize every input value paints its own tile.
    rng = numpy.random.RandomState(2)
    W, b = rng.randn(2, 3, 2).astype(numpy.float32), rng.randn(3).astype(numpy.float32)
    x = rng.randn(1, 2, 4).astype(numpy.float32)
    y = Deconvolution1D(2, 3, 2, stride=2, initialW=W, initial_bias=b)(x)
    expected = numpy.einsum("cok,ncl->nolk", W, x).reshape(1, 3, 8) + b[:, None]
    numpy.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("make", "ndim"), LINKS)
def test_initializers_nobias_and_npz_round_trip(conv_links, make, ndim, tmp_path):
    W = numpy.arange(3 * 2 * 2 ** ndim, dtype=numpy.float32).reshape((3, 2) + (2,) * ndim)
    conv_links.check_nobias_link_keeps_initial_W(make(3, 2, 2, nobias=True, initialW=W), W)
    biased = make(3, 2, 2, initialW=0.5, initial_bias=initializers.Normal(1.0))
    assert (biased.W.array == 0.5).all()
    conv_links.check_npz_round_trip(biased, make(None, 2, 2), tmp_path)


def test_gradients_reach_the_parameters(conv_links):
    deconv = Deconvolution1D(2, 3, 2)
    x = numpy.random.RandomState(0).randn(2, 2, 4).astype(numpy.float32)
    conv_links.backward_of_sum(deconv, x)
    numpy.testing.assert_allclose(deconv.b.grad, [10, 10, 10])   # 2 samples x 5 output positions
    # every kernel tap sees every input value once
    numpy.testing.assert_allclose(deconv.W.grad, numpy.broadcast_to(x.sum(axis=(0, 2))[:, None, None],
                                                                    (2, 3, 2)), rtol=1e-5)


def test_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=r"Deconvolution3D: argument 'out_channels' expected a multiple of "
                                         r"groups=2, got 3"):
        Deconvolution3D(4, 3, 1, groups=2)
    lazy = DeconvolutionND(1, None, 4, 1, groups=4)
    with pytest.raises(ValueError, match=r"DeconvolutionND: argument 'in_channels' expected a multiple of "
                                         r"groups=4, got 6"):
        lazy(numpy.ones((1, 6, 2), numpy.float32))
