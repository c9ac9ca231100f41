"""L.Bilinear: parameter shapes and initialisation, forward equals the function, errors."""
import numpy as np
import pytest

from kusari import initializers
from kusari.functions.connection.bilinear import bilinear
from kusari.links.connection.bilinear import Bilinear
from kusari.testing import check_backward


def test_parameter_names_shapes_and_defaults():
    np.random.seed(0)
    layer = Bilinear(20, 30, 40)
    assert layer.in_sizes == (20, 30) and not layer.nobias
    shapes = {name: p.shape for name, p in layer.namedparams()}
    assert shapes == {"/W": (20, 30, 40), "/V1": (20, 40), "/V2": (30, 40), "/b": (40,)}
    assert all(p.dtype == np.float32 for p in layer.params())
    assert (layer.b.array == 0).all()
    # LeCunNormal: N(0, 1/fan_in), fan_in = shape[1] * prod(shape[2:]).
    assert abs(float(layer.W.array.std()) - (1 / (30 * 40)) ** 0.5) < 0.002
    assert abs(float(layer.V1.array.std()) - (1 / 40) ** 0.5) < 0.02


def test_nobias_and_explicit_initial_values():
    assert [n for n, _ in Bilinear(2, 3, 4, nobias=True).namedparams()] == ["/W"]
    W = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    layer = Bilinear(2, 3, 4, initialW=W, initial_bias=(1.0, initializers.Constant(2.0), np.arange(4.0)))
    np.testing.assert_array_equal(layer.W.array, W)
    np.testing.assert_array_equal(layer.V1.array, np.ones((2, 4)))
    np.testing.assert_array_equal(layer.V2.array, np.full((3, 4), 2.0))
    np.testing.assert_array_equal(layer.b.array, np.arange(4))


@pytest.mark.parametrize("nobias", [False, True])
def test_forward_equals_the_function(nobias):
    layer = Bilinear(2, 3, 4, nobias=nobias, initial_bias=None if nobias else (None, None, 0.5))
    e1 = np.random.standard_normal((5, 2)).astype(np.float32)
    e2 = np.random.standard_normal((5, 3)).astype(np.float32)
    params = [layer.W] if nobias else [layer.W, layer.V1, layer.V2, layer.b]
    expected = bilinear(e1, e2, *[p.array for p in params]).array
    np.testing.assert_array_equal(layer(e1, e2).array, expected)


def test_gradients_reach_the_parameters_and_zero_grads():
    layer = Bilinear(2, 2, 3, initial_bias=(None, None, 0.1))
    for p in layer.params():
        p.array = p.array.astype(np.float64)
    e1, e2 = np.random.standard_normal((2, 2)), np.random.standard_normal((2, 2))
    check_backward(lambda a, b: layer(a, b), (e1, e2), np.random.standard_normal((2, 3)),
                   params=tuple(layer.params()))
    with pytest.warns(DeprecationWarning):
        layer.zero_grads()
    assert all((p.grad == 0).all() for p in layer.params())


def test_errors():
    with pytest.raises(ValueError, match=r"Bilinear: argument 'initialW' expected shape \(2, 3, 4\), got \(4, 3, 2\)"):
        Bilinear(2, 3, 4, initialW=np.zeros((4, 3, 2), np.float32))
    with pytest.raises(ValueError, match=r"Bilinear: argument 'initial_bias' expected a tuple"):
        Bilinear(2, 3, 4, initial_bias=0)
    with pytest.raises(ValueError, match=r"Bilinear: argument 'initial_bias\[1\]' expected shape \(3, 4\)"):
        Bilinear(2, 3, 4, initial_bias=(None, np.zeros((2, 4), np.float32), 0))
