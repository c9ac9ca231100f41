"""L.LayerNormalization: construction, lazy size, forward against the function, gradients, npz."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import initializers
from kusari.functions.normalization.layer_normalization import layer_normalization
from kusari.links.normalization.layer_normalization import LayerNormalization
from kusari.serializers import load_npz, save_npz
from kusari.testing import check_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def test_defaults_match_chainer():
    ln = LayerNormalization(3)
    assert ln.eps == 1e-6          # the link's default, unlike the function's 1e-5
    assert sorted(name for name, _ in ln.namedparams()) == ["/beta", "/gamma"]
    assert ln.gamma.shape == (3,) and ln.gamma.dtype == np.float32
    np.testing.assert_array_equal(ln.gamma.array, [1, 1, 1])
    np.testing.assert_array_equal(ln.beta.array, [0, 0, 0])


def test_lazy_size_is_taken_from_the_first_input():
    ln = LayerNormalization()
    assert ln.gamma.array is None and ln.beta.array is None
    y = ln(np.ones((2, 5), np.float32))
    assert ln.gamma.shape == (5,) and ln.beta.shape == (5,) and y.shape == (2, 5)


def test_initializers_scalars_and_arrays():
    ln = LayerNormalization(2, initial_gamma=initializers.Constant(3), initial_beta=0.5)
    np.testing.assert_array_equal(ln.gamma.array, [3, 3])
    np.testing.assert_array_equal(ln.beta.array, [0.5, 0.5])
    ln2 = LayerNormalization(2, initial_gamma=np.array([1, 2], np.float32))
    np.testing.assert_array_equal(ln2.gamma.array, [1, 2])


def test_forward_equals_the_function_with_the_links_eps():
    rng = np.random.RandomState(0)
    gamma, beta = rng.randn(4).astype(np.float32), rng.randn(4).astype(np.float32)
    x = np.array([[1, 1, 1, 1.001]], np.float32)          # variance ~2e-7: eps shows
    for eps in (1e-6, 1e-2):
        ln = LayerNormalization(4, eps=eps, initial_gamma=gamma, initial_beta=beta)
        y = ln(x)
        assert y.dtype == np.float32
        np.testing.assert_array_equal(y.array, layer_normalization(x, gamma, beta, eps).array)
    assert not np.allclose(LayerNormalization(4)(x).array, layer_normalization(x, np.ones(4, np.float32),
                                                                               np.zeros(4, np.float32)).array)


@given(st.integers(1, 3), st.integers(2, 4), st.data())
def test_gradients_wrt_input_and_parameters(n, units, data):
    x = data.draw(kst.arrays(shape=(n, units)))
    gy = data.draw(kst.arrays(shape=(n, units), lo=-1, hi=1))
    gamma = data.draw(kst.arrays(shape=(units,)))
    beta = data.draw(kst.arrays(shape=(units,)))
    with kusari.using_config("dtype", np.float64):  # parameters take config.dtype, like Chainer
        ln = LayerNormalization(units, eps=0.1, initial_gamma=gamma, initial_beta=beta)
    check_backward(ln, x, gy, params=(ln.gamma, ln.beta), atol=1e-4, rtol=1e-3)


def test_npz_round_trip(tmp_path):
    rng = np.random.RandomState(1)
    src = LayerNormalization(3, initial_gamma=rng.randn(3).astype(np.float32),
                             initial_beta=rng.randn(3).astype(np.float32))
    save_npz(str(tmp_path / "ln.npz"), src)
    with np.load(str(tmp_path / "ln.npz")) as f:
        assert sorted(f.files) == ["beta", "gamma"]
    dst = LayerNormalization()
    load_npz(str(tmp_path / "ln.npz"), dst)
    np.testing.assert_array_equal(dst.gamma.array, src.gamma.array)
    np.testing.assert_array_equal(dst.beta.array, src.beta.array)


def test_wrong_input_shape_names_the_function():
    with pytest.raises(InvalidType, match=r"layer_normalization: argument 'gamma' expected shape \(4,\) "
                                          r"\(x.shape\[1\]\), got \(3,\)"):
        LayerNormalization(3)(np.ones((2, 4), np.float32))
