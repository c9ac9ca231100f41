"""L.Highway: children, default gate bias, forward against NumPy."""
import numpy as np

from kusari import initializers
from kusari.functions.activation.sigmoid import sigmoid
from kusari.links.connection.highway import Highway
from kusari.testing import check_backward


def test_children_and_initialisation():
    layer = Highway(4)
    shapes = {n: p.shape for n, p in layer.namedparams()}
    assert shapes == {"/plain/W": (4, 4), "/plain/b": (4,), "/transform/W": (4, 4), "/transform/b": (4,)}
    assert (layer.plain.b.array == 0).all() and (layer.transform.b.array == -1).all()
    nobias = Highway(3, nobias=True, init_Wh=initializers.One(), init_Wt=2.0)
    assert nobias.plain.b is None and nobias.transform.b is None
    assert (nobias.plain.W.array == 1).all() and (nobias.transform.W.array == 2).all()


def test_forward_matches_numpy():
    layer = Highway(3, activate=sigmoid, init_bh=0.3, init_bt=0.7)
    x = np.random.standard_normal((5, 3)).astype(np.float32)
    Wh, bh = layer.plain.W.array, layer.plain.b.array
    Wt, bt = layer.transform.W.array, layer.transform.b.array

    def sig(v):
        return 1 / (1 + np.exp(-v))
    h = sig(x @ Wh.T + bh)
    t = sig(x @ Wt.T + bt)
    expected = h * t + x * (1 - t)
    y = layer(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


def test_default_activation_is_relu():
    layer = Highway(2, init_Wh=initializers.Constant(-1.0), init_Wt=0.0, init_bt=0.0)
    x = np.ones((1, 2), np.float32)
    # plain path is relu(-2) = 0, the gate is 0.5: y = 0.5 * x
    np.testing.assert_allclose(layer(x).array, [[0.5, 0.5]])


def test_gradients_reach_the_parameters():
    layer = Highway(3, activate=sigmoid)
    for p in layer.params():
        p.array = p.array.astype(np.float64)
    check_backward(lambda x: layer(x), np.random.standard_normal((2, 3)), np.random.standard_normal((2, 3)),
                   params=tuple(layer.params()))
