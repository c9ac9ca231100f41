"""L.BatchRenormalization: modes, statistics, persistents."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import serializers
from kusari.functions.normalization.batch_normalization import fixed_batch_normalization
from kusari.functions.normalization.batch_renormalization import batch_renormalization
from kusari.links.normalization.batch_renormalization import BatchRenormalization
from kusari.testing import check_backward
from kusari.testing import strategies as kst


def _x(shape=(4, 3, 2), seed=0):
    return (np.random.default_rng(seed).standard_normal(shape) * 2 + 1).astype(np.float32)


def test_init_matches_chainer():
    brn = BatchRenormalization(3, rmax=2, dmax=0.5, initial_avg_var=2)
    assert (brn.rmax, brn.dmax, brn.decay, brn.eps, brn.axis) == (2, 0.5, 0.9, 2e-5, None)
    assert sorted(n for n, _ in brn.namedparams()) == ["/beta", "/gamma"]
    assert sorted(brn._persistent) == ["N", "avg_mean", "avg_var"]
    assert (brn.avg_var == 2).all() and brn.avg_var.dtype == np.float32


def test_training_equals_the_function_and_updates_statistics():
    x = _x()
    brn = BatchRenormalization(3, rmax=1.5, dmax=0.2, initial_avg_mean=0.3, initial_avg_var=2)
    rm, rv = np.full(3, 0.3, np.float32), np.full(3, 2, np.float32)
    expected = batch_renormalization(x, brn.gamma.array, brn.beta.array, 1.5, 0.2, running_mean=rm,
                                     running_var=rv, update_statistics=True)
    np.testing.assert_array_equal(brn(x).array, expected.array)
    np.testing.assert_array_equal(brn.avg_mean, rm)
    np.testing.assert_array_equal(brn.avg_var, rv)
    assert not np.allclose(rm, 0.3)


def test_evaluation_uses_fixed_statistics():
    x = _x()
    brn = BatchRenormalization(3, rmax=3, dmax=1, initial_avg_mean=np.array([0, 1, 2], np.float32))
    with kusari.using_config("train", False):
        y = brn(x)
    expected = fixed_batch_normalization(x, np.ones(3, np.float32), np.zeros(3, np.float32),
                                         np.array([0, 1, 2], np.float32), np.ones(3, np.float32))
    np.testing.assert_array_equal(y.array, expected.array)
    np.testing.assert_array_equal(brn.avg_mean, [0, 1, 2])


def test_finetune_counts_batches():
    brn = BatchRenormalization(2)
    batches = [_x((3, 2), seed=s) for s in range(2)]
    for b in batches:
        brn(b, finetune=True)
    assert brn.N == 2
    np.testing.assert_allclose(brn.avg_mean, np.mean([b.mean(0) for b in batches], 0), rtol=1e-5)


def test_npz_round_trip(tmp_path):
    brn = BatchRenormalization(3, rmax=2)
    brn(_x(), finetune=True)
    path = tmp_path / "brn.npz"
    serializers.save_npz(path, brn)
    loaded = BatchRenormalization(3)
    serializers.load_npz(path, loaded)
    assert loaded.N == 1
    np.testing.assert_array_equal(loaded.avg_mean, brn.avg_mean)
    np.testing.assert_array_equal(loaded.avg_var, brn.avg_var)


@given(st.integers(2, 4), st.integers(1, 3), st.data())
def test_gradients_in_evaluation(batch, channels, data):
    x = data.draw(kst.arrays(shape=(batch, channels)))
    gy = data.draw(kst.arrays(shape=(batch, channels)))
    brn = BatchRenormalization(channels, dtype=np.float64, initial_avg_var=1.5)
    with kusari.using_config("train", False):
        check_backward(brn, x, gy, params=(brn.gamma, brn.beta), atol=1e-4, rtol=1e-3)
