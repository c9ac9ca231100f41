"""L.Linear: construction, lazy in_size, forward against NumPy, gradients, errors."""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.links as L
from kusari import initializers
from kusari.testing import check_backward
from kusari.testing import strategies as kst


def test_shapes_and_default_initialisation():
    numpy.random.seed(0)
    layer = L.Linear(400, 300)
    assert layer.in_size == 400 and layer.out_size == 300
    assert layer.W.shape == (300, 400) and layer.W.dtype == numpy.float32
    assert layer.b.shape == (300,) and (layer.b.array == 0).all()
    # LeCunNormal: N(0, 1 / in_size)
    assert abs(float(layer.W.array.std()) - (1 / 400) ** 0.5) < 0.002
    assert abs(float(layer.W.array.mean())) < 0.002
    assert [n for n, _ in layer.namedparams()] == ["/W", "/b"]


def test_default_initialisation_reproduces_numpy_seed():
    numpy.random.seed(3)
    a = L.Linear(4, 5).W.array.copy()
    numpy.random.seed(3)
    b = L.Linear(4, 5).W.array
    numpy.random.seed(3)
    expected = numpy.random.normal(0.0, (1 / 4) ** 0.5, (5, 4)).astype(numpy.float32)
    numpy.testing.assert_array_equal(a, b)
    numpy.testing.assert_array_equal(a, expected)


def test_single_argument_means_out_size_with_lazy_in_size():
    for layer in (L.Linear(3), L.Linear(None, 3)):
        assert layer.in_size is None and layer.out_size == 3
        assert layer.W.array is None and layer.b.shape == (3,)
        y = layer(numpy.ones((2, 5), numpy.float32))
        assert y.shape == (2, 3) and layer.W.shape == (3, 5)


def test_lazy_in_size_flattens_feature_axes_after_n_batch_axes():
    layer = L.Linear(4)
    y = layer(numpy.ones((2, 3, 5), numpy.float32), n_batch_axes=2)
    assert y.shape == (2, 3, 4) and layer.W.shape == (4, 5)
    image_layer = L.Linear(7)
    assert image_layer(numpy.ones((2, 3, 4, 4), numpy.float32)).shape == (2, 7)
    assert image_layer.W.shape == (7, 48)


def test_nobias_and_custom_initializers():
    W = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    layer = L.Linear(3, 2, nobias=True, initialW=W)
    assert layer.b is None and [n for n, _ in layer.namedparams()] == ["/W"]
    numpy.testing.assert_array_equal(layer.W.array, W)
    const = L.Linear(2, 2, initialW=0.5, initial_bias=initializers.One())
    assert (const.W.array == 0.5).all() and (const.b.array == 1).all()
    biased = L.Linear(2, 2, initial_bias=numpy.array([3, 4], numpy.float32))
    numpy.testing.assert_array_equal(biased.b.array, [3, 4])
    glorot = L.Linear(2, 2, initialW=initializers.GlorotUniform())
    assert abs(glorot.W.array).max() <= (6 / 4) ** 0.5


def test_forward_matches_numpy():
    rng = numpy.random.RandomState(1)
    layer = L.Linear(3, 4, initial_bias=rng.randn(4).astype(numpy.float32))
    x = rng.randn(5, 3).astype(numpy.float32)
    y = layer(x)
    assert y.dtype == numpy.float32
    numpy.testing.assert_allclose(y.array, x @ layer.W.array.T + layer.b.array, rtol=1e-5, atol=1e-6)
    y_nobias = L.Linear(3, 4, nobias=True, initialW=layer.W.array)(x)
    numpy.testing.assert_allclose(y_nobias.array, x @ layer.W.array.T, rtol=1e-5, atol=1e-6)


def test_chainer_tutorial_gradients():
    f = L.Linear(3, 2)
    x = numpy.array([[1, 2, 3], [4, 5, 6]], numpy.float32)
    y = f(x)
    f.cleargrads()
    y.grad = numpy.ones((2, 2), dtype=numpy.float32)
    y.backward()
    numpy.testing.assert_array_equal(f.W.grad, [[5, 7, 9], [5, 7, 9]])
    numpy.testing.assert_array_equal(f.b.grad, [2, 2])


@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.data())
def test_gradients_wrt_input_and_parameters(batch, in_size, out_size, data):
    W = data.draw(kst.arrays(shape=(out_size, in_size)))
    b = data.draw(kst.arrays(shape=(out_size,)))
    x = data.draw(kst.arrays(shape=(batch, in_size)))
    gy = data.draw(kst.arrays(shape=(batch, out_size)))
    with kusari.using_config("dtype", numpy.float64):  # parameters take config.dtype, like Chainer
        layer = L.Linear(in_size, out_size, initialW=W, initial_bias=b)
    check_backward(layer, x, gy, params=(layer.W, layer.b), atol=1e-5, rtol=1e-4)


def test_wrong_input_size_names_the_function_and_shapes():
    layer = L.Linear(3, 2)
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=r"linear: argument 'x' expected shape \(N, 3\) \(in_size of W\), got \(2, 4\)"):
        layer(numpy.ones((2, 4), numpy.float32))


def test_from_params():
    W = numpy.ones((2, 3), numpy.float32)
    layer = L.Linear.from_params(kusari.Variable(W), numpy.zeros(2, numpy.float32))
    assert (layer.in_size, layer.out_size) == (3, 2)
    numpy.testing.assert_array_equal(layer.W.array, W)
    assert L.Linear.from_params(W, nobias=True).b is None
    with pytest.raises(ValueError, match=r"Linear.from_params: argument 'b' expected 2 elements \(out_size of W\), got 3"):
        L.Linear.from_params(W, numpy.zeros(3, numpy.float32))


def test_str():
    assert str(L.Linear(3, 2)) == "Linear(in_size=3, out_size=2, nobias=False)"
    assert str(L.Linear(2, nobias=True)) == "Linear(in_size=None, out_size=2, nobias=True)"
