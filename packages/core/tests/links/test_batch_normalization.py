"""L.BatchNormalization: modes, running statistics, fine-tuning, persistents, lazy size, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import serializers
from kusari.functions.normalization.batch_normalization import batch_normalization, fixed_batch_normalization
from kusari.links.normalization.batch_normalization import BatchNormalization
from kusari.testing import check_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _x(shape=(4, 3, 2, 2), seed=0):
    return (np.random.default_rng(seed).standard_normal(shape) * 2 + 1).astype(np.float32)


def test_params_and_persistents_have_chainer_names_shapes_and_defaults():
    bn = BatchNormalization(3)
    assert sorted(n for n, _ in bn.namedparams()) == ["/beta", "/gamma"]
    assert sorted(bn._persistent) == ["N", "avg_mean", "avg_var"]
    np.testing.assert_array_equal(bn.gamma.array, np.ones(3, np.float32))
    np.testing.assert_array_equal(bn.beta.array, np.zeros(3, np.float32))
    np.testing.assert_array_equal(bn.avg_mean, np.zeros(3, np.float32))
    np.testing.assert_array_equal(bn.avg_var, np.ones(3, np.float32))
    assert bn.avg_mean.dtype == bn.gamma.dtype == np.float32 and bn.N == 0
    assert (bn.decay, bn.eps, bn.axis) == (0.9, 2e-5, None)
    shaped = BatchNormalization((3, 2), dtype=np.float64, initial_gamma=2, initial_beta=np.array(
        [[1, 2], [3, 4], [5, 6]]), initial_avg_mean=0.5, initial_avg_var=3)
    assert shaped.gamma.shape == (3, 2) and shaped.gamma.dtype == shaped.avg_var.dtype == np.float64
    assert (shaped.gamma.array == 2).all() and shaped.beta.array[2, 1] == 6
    assert (shaped.avg_mean == 0.5).all() and (shaped.avg_var == 3).all()
    bare = BatchNormalization(3, use_gamma=False, use_beta=False)
    assert bare.gamma is None and bare.beta is None and list(bare.namedparams()) == []


def test_training_forward_equals_the_function_and_updates_running_averages():
    x = _x()
    bn = BatchNormalization(3, decay=0.8, initial_gamma=np.array([1, 2, 3], np.float32), initial_beta=0.5)
    rm, rv = np.zeros(3, np.float32), np.ones(3, np.float32)
    expected = batch_normalization(x, bn.gamma.array, bn.beta.array, running_mean=rm, running_var=rv, decay=0.8)
    y = bn(x)
    np.testing.assert_array_equal(y.array, expected.array)
    per_channel = x.transpose(1, 0, 2, 3).reshape(3, -1).astype(np.float64)
    np.testing.assert_allclose(bn.avg_mean, 0.2 * per_channel.mean(1), rtol=1e-5)
    np.testing.assert_allclose(bn.avg_var, 0.8 + 0.2 * per_channel.var(1, ddof=1), rtol=1e-5)
    assert bn.N == 0


def test_evaluation_uses_running_averages_and_leaves_them_alone():
    x = _x()
    bn = BatchNormalization(3, initial_avg_mean=np.array([1, 2, 3], np.float32), initial_avg_var=4)
    with kusari.using_config("train", False):
        y = bn(x)
    expected = (x - np.array([1, 2, 3], np.float32)[:, None, None]) / np.sqrt(4 + 2e-5)
    np.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(bn.avg_mean, [1, 2, 3])
    np.testing.assert_array_equal(bn.avg_var, [4, 4, 4])


def test_finetune_accumulates_the_cumulative_average():
    bn = BatchNormalization(2)
    batches = [_x((3, 2), seed=s) * (s + 1) for s in range(3)]
    for b in batches:
        bn(b, finetune=True)
    assert bn.N == 3
    # decay 1 - 1/N: the first batch replaces the initial values, then a plain average.
    np.testing.assert_allclose(bn.avg_mean, np.mean([b.mean(0) for b in batches], 0), rtol=1e-5)
    np.testing.assert_allclose(bn.avg_var, np.mean([b.var(0, ddof=1) for b in batches], 0), rtol=1e-5)
    bn.start_finetuning()
    assert bn.N == 0
    bn(batches[0], finetune=True)
    np.testing.assert_allclose(bn.avg_mean, batches[0].mean(0), rtol=1e-5)


def test_without_gamma_and_beta_uses_one_and_zero():
    x = _x((5, 2))
    bn = BatchNormalization(2, use_gamma=False, use_beta=False)
    y = bn(x)
    np.testing.assert_allclose(y.array, (x - x.mean(0)) / np.sqrt(x.var(0) + 2e-5), rtol=1e-4, atol=1e-5)
    with kusari.using_config("train", False):
        np.testing.assert_array_equal(
            bn(x).array, fixed_batch_normalization(x, np.ones(2, np.float32), np.zeros(2, np.float32),
                                                   bn.avg_mean, bn.avg_var).array)


def test_lazy_size_from_axis():
    bn = BatchNormalization(axis=(0, 2))
    assert bn.avg_mean is None and bn.gamma.array is None
    x = _x((4, 3, 5))
    y = bn(x)
    assert bn.avg_mean.shape == bn.avg_var.shape == bn.gamma.shape == bn.beta.shape == (3,)
    np.testing.assert_array_equal(y.array, batch_normalization(x, np.ones(3, np.float32), np.zeros(3, np.float32),
                                                               axis=(0, 2)).array)
    per_pixel = BatchNormalization(axis=0)
    per_pixel(x)
    assert per_pixel.axis == (0,) and per_pixel.avg_mean.shape == (3, 5)


def test_npz_round_trip_with_chainer_key_names(tmp_path):
    bn = BatchNormalization(3)
    bn(_x(), finetune=True)
    bn(_x(seed=1), finetune=True)
    bn.gamma.array[:] = [1, 2, 3]
    path = tmp_path / "bn.npz"
    serializers.save_npz(path, bn)
    with np.load(path) as f:
        assert sorted(f.files) == ["N", "avg_mean", "avg_var", "beta", "gamma"]
        assert int(f["N"]) == 2
    for target in (BatchNormalization(3), BatchNormalization(axis=(0, 2, 3))):
        serializers.load_npz(path, target)
        assert target.N == 2 and isinstance(target.N, int)
        np.testing.assert_array_equal(target.avg_mean, bn.avg_mean)
        np.testing.assert_array_equal(target.avg_var, bn.avg_var)
        np.testing.assert_array_equal(target.gamma.array, [1, 2, 3])
        with kusari.using_config("train", False):
            np.testing.assert_array_equal(target(_x()).array, _eval(bn, _x()))


def _eval(link, x):
    with kusari.using_config("train", False):
        return link(x).array


@given(st.integers(2, 4), st.integers(1, 3), st.booleans(), st.data())
def test_gradients_wrt_input_and_parameters(batch, channels, train, data):
    x = data.draw(kst.arrays(shape=(batch, channels)))
    gy = data.draw(kst.arrays(shape=(batch, channels)))
    bn = BatchNormalization(channels, dtype=np.float64, eps=0.5,
                            initial_gamma=data.draw(kst.arrays(shape=(channels,), lo=0.5, hi=2)))
    with kusari.using_config("train", train):
        # The running averages change each call in training; the gradients do not depend on them.
        check_backward(bn, x, gy, params=(bn.gamma, bn.beta), atol=1e-4, rtol=1e-3)


def test_errors():
    with pytest.raises(RuntimeError, match=r"^BatchNormalization: argument 'size' expected a channel shape when "
                                           r"'axis' is None, got None$"):
        BatchNormalization()
    with pytest.raises(InvalidType, match=r"^batch_normalization: argument 'gamma' expected shape \(4,\) .*, "
                                          r"got \(3,\)$"):
        BatchNormalization(3)(np.ones((2, 4), np.float32))
    with pytest.raises(InvalidType, match=r"^fixed_batch_normalization: argument 'gamma' expected shape \(4,\) .*, "
                                          r"got \(3,\)$"):
        _eval(BatchNormalization(3), np.ones((2, 4), np.float32))
    with pytest.raises(InvalidType, match=r"^batch_normalization: argument 'axis' expected distinct axes in "
                                          r"ascending order, got \(2, 0\)$"):
        BatchNormalization(3, axis=(2, 0))(np.ones((2, 3, 4), np.float32))


def test_str():
    assert str(BatchNormalization(3)) == ("BatchNormalization(size=3, decay=0.9, eps=2e-05, dtype=float32, "
                                          "use_gamma=True, use_beta=True)")
