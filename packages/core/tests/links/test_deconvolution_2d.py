"""L.Deconvolution2D: shapes, lazy in_channels, outsize, forward equals F.deconvolution_2d, npz, errors."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import initializers
from kusari.functions.connection.deconvolution_2d import deconvolution_2d
from kusari.links.connection.deconvolution_2d import Deconvolution2D


def test_parameter_names_shapes_and_default_initialisation(conv_links):
    numpy.random.seed(0)
    deconv = Deconvolution2D(40, 20, (3, 2), groups=2)
    conv_links.check_default_parameters(deconv, (40, 10, 3, 2), 20)
    # LeCunNormal: fan_in is W.shape[1] * kh * kw
    assert abs(float(deconv.W.array.std()) - (1 / 60) ** 0.5) < 0.01
    assert (deconv.stride, deconv.pad, deconv.dilate, deconv.outsize) == ((1, 1), (0, 0), (1, 1), (None, None))


@pytest.mark.parametrize("deconv", [Deconvolution2D(4, 3), Deconvolution2D(None, 4, 3)])
def test_two_argument_shorthand_infers_in_channels_from_the_first_input(deconv):
    assert deconv.in_channels is None and deconv.out_channels == 4 and deconv.ksize == 3
    assert deconv.W.array is None and deconv.b.shape == (4,)
    y = deconv(numpy.ones((2, 5, 2, 3), numpy.float32))
    assert deconv.W.shape == (5, 4, 3, 3) and y.shape == (2, 4, 4, 5)


def test_outsize_picks_the_output_size():
    deconv = Deconvolution2D(2, 3, 3, stride=2, outsize=(6, 5))
    assert deconv(numpy.ones((1, 2, 2, 2), numpy.float32)).shape == (1, 3, 6, 5)


@given(st.integers(1, 2), st.sampled_from([1, 2]), st.integers(2, 3), st.integers(1, 2),
       st.integers(0, 1), st.integers(1, 2), st.booleans(), st.randoms(use_true_random=False))
def test_forward_equals_the_function_with_the_links_parameters(conv_links, batch, groups, ksize, stride, pad,
                                                              dilate, nobias, rnd):
    deconv = Deconvolution2D(2 * groups, 2 * groups, ksize, stride, pad, nobias,
                             initial_bias=initializers.Normal(1.0), dilate=dilate, groups=groups)
    conv_links.check_forward_equals_function(deconv, rnd, (batch, 2 * groups, 3, 2), nobias, deconvolution_2d,
                                             stride, pad, dilate=dilate, groups=groups)


def test_stride_equal_to_ksize_tiles_the_kernel():
    # Independent of F.deconvolution_2d: with stride == ksize every input pixel paints its own tile.
    rng = numpy.random.RandomState(2)
    W, b = rng.randn(2, 3, 2, 2).astype(numpy.float32), rng.randn(3).astype(numpy.float32)
    x = rng.randn(1, 2, 3, 2).astype(numpy.float32)
    y = Deconvolution2D(2, 3, 2, stride=2, initialW=W, initial_bias=b)(x)
    tiles = numpy.einsum("coij,nchw->nohiwj", W, x).reshape(1, 3, 6, 4)
    numpy.testing.assert_allclose(y.array, tiles + b[:, None, None], rtol=1e-5, atol=1e-6)


def test_initializers_nobias_and_npz_round_trip(conv_links, tmp_path):
    W = numpy.arange(12, dtype=numpy.float32).reshape(3, 2, 2, 1)
    conv_links.check_nobias_link_keeps_initial_W(Deconvolution2D(3, 2, (2, 1), nobias=True, initialW=W), W)
    biased = Deconvolution2D(3, 2, 2, initialW=0.5, initial_bias=initializers.Normal(1.0))
    assert (biased.W.array == 0.5).all()
    conv_links.check_npz_round_trip(biased, Deconvolution2D(2, 2), tmp_path)


def test_gradients_reach_the_parameters(conv_links):
    deconv = Deconvolution2D(2, 3, 2)
    x = numpy.random.RandomState(0).randn(2, 2, 2, 2).astype(numpy.float32)
    conv_links.backward_of_sum(deconv, x)
    numpy.testing.assert_allclose(deconv.b.grad, [18, 18, 18])   # 2 samples x 3 x 3 pixels
    numpy.testing.assert_allclose(deconv.W.grad, numpy.broadcast_to(
        x.sum(axis=(0, 2, 3))[:, None, None, None], (2, 3, 2, 2)), rtol=1e-5)


def test_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=r"Deconvolution2D: argument 'out_channels' expected a multiple of "
                                         r"groups=2, got 3"):
        Deconvolution2D(4, 3, 1, groups=2)
    lazy = Deconvolution2D(4, 1, groups=2)
    with pytest.raises(ValueError, match=r"Deconvolution2D: argument 'in_channels' expected a multiple of "
                                         r"groups=2, got 3"):
        lazy(numpy.ones((1, 3, 2, 2), numpy.float32))
