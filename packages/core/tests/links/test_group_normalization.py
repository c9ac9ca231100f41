"""L.GroupNormalization: construction, lazy size, forward against the function, gradients, npz."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import initializers
from kusari.functions.normalization.group_normalization import group_normalization
from kusari.links.normalization.group_normalization import GroupNormalization
from kusari.serializers import load_npz, save_npz
from kusari.testing import check_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def test_defaults_match_chainer():
    gn = GroupNormalization(2, 4)
    assert gn.groups == 2 and gn.eps == 1e-5
    assert sorted(name for name, _ in gn.namedparams()) == ["/beta", "/gamma"]
    assert gn.gamma.shape == (4,) and gn.gamma.dtype == np.float32
    np.testing.assert_array_equal(gn.gamma.array, [1, 1, 1, 1])
    np.testing.assert_array_equal(gn.beta.array, [0, 0, 0, 0])


def test_lazy_size_is_the_channel_count_of_the_first_input():
    gn = GroupNormalization(3)
    assert gn.gamma.array is None and gn.beta.array is None
    y = gn(np.random.RandomState(0).randn(2, 6, 3, 3).astype(np.float32))
    assert gn.gamma.shape == (6,) and gn.beta.shape == (6,) and y.shape == (2, 6, 3, 3)


def test_initializers_scalars_and_arrays():
    gn = GroupNormalization(1, 2, initial_gamma=initializers.Constant(3), initial_beta=0.5)
    np.testing.assert_array_equal(gn.gamma.array, [3, 3])
    np.testing.assert_array_equal(gn.beta.array, [0.5, 0.5])


def test_forward_equals_the_function():
    rng = np.random.RandomState(0)
    gamma, beta = rng.randn(4).astype(np.float32), rng.randn(4).astype(np.float32)
    x = rng.randn(3, 4, 2).astype(np.float32)
    gn = GroupNormalization(2, eps=1e-3, initial_gamma=gamma, initial_beta=beta)
    y = gn(x)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.array, group_normalization(x, 2, gamma, beta, 1e-3).array)


@given(st.integers(1, 2), st.integers(1, 2), st.data())
def test_gradients_wrt_input_and_parameters(groups, per_group, data):
    channels = groups * per_group
    x = data.draw(kst.arrays(shape=(2, channels, 3)))
    gy = data.draw(kst.arrays(shape=(2, channels, 3), lo=-1, hi=1))
    gamma = data.draw(kst.arrays(shape=(channels,)))
    beta = data.draw(kst.arrays(shape=(channels,)))
    gn = GroupNormalization(groups, channels, eps=0.1, initial_gamma=gamma, initial_beta=beta)
    check_backward(gn, x, gy, params=(gn.gamma, gn.beta), atol=1e-4, rtol=1e-3)


def test_npz_round_trip(tmp_path):
    rng = np.random.RandomState(1)
    src = GroupNormalization(1, 3, initial_gamma=rng.randn(3).astype(np.float32),
                             initial_beta=rng.randn(3).astype(np.float32))
    save_npz(str(tmp_path / "gn.npz"), src)
    with np.load(str(tmp_path / "gn.npz")) as f:
        assert sorted(f.files) == ["beta", "gamma"]
    dst = GroupNormalization(1)
    load_npz(str(tmp_path / "gn.npz"), dst)
    np.testing.assert_array_equal(dst.gamma.array, src.gamma.array)
    np.testing.assert_array_equal(dst.beta.array, src.beta.array)


def test_errors():
    with pytest.raises(ValueError, match=r"GroupNormalization: argument 'x' expected at least 2 dimensions "
                                         r"\(N, C, ...\) to infer the channel count, got 1 \(shape \(4,\)\)"):
        GroupNormalization(2)(np.ones(4, np.float32))
    with pytest.raises(ValueError, match=r"group_normalization: argument 'groups' expected a positive divisor "
                                         r"of the number of channels 3, got 2"):
        GroupNormalization(2)(np.ones((1, 3), np.float32))
    with pytest.raises(InvalidType, match=r"group_normalization: argument 'gamma' expected shape \(5,\) "
                                          r"\(x.shape\[1\]\), got \(4,\)"):
        GroupNormalization(2, 4)(np.ones((1, 5), np.float32))
