"""L.NegativeSampling: parameter layout, sampler weights, forward equals the function, devices, npz."""
import numpy as np
import pytest

import kusari
from kusari.functions.loss.negative_sampling import negative_sampling
from kusari.links.loss.negative_sampling import NegativeSampling
from kusari.utils.walker_alias import WalkerAlias


def _mass(sampler):
    n = len(sampler.threshold)
    keep = np.clip(sampler.threshold.astype(np.float64), 0, 1)
    mass = np.zeros(n)
    np.add.at(mass, sampler.values[0::2], keep / n)
    np.add.at(mass, sampler.values[1::2], (1 - keep) / n)
    return mass


def test_init_layout_and_sampler_weights():
    link = NegativeSampling(3, [4, 1, 0, 9], sample_size=2, power=0.5)
    assert [name for name, _ in link.namedparams()] == ["/W"]
    assert link.W.shape == (4, 3) and link.W.dtype == np.float32
    np.testing.assert_array_equal(link.W.array, 0)
    assert link.sample_size == 2 and isinstance(link.sampler, WalkerAlias)
    expected = np.sqrt([4, 1, 0, 9]) / np.sqrt([4, 1, 0, 9]).sum()
    np.testing.assert_allclose(_mass(link.sampler), expected, atol=1e-6)


def test_default_power_is_three_quarters():
    link = NegativeSampling(2, [1, 16], 1)
    np.testing.assert_allclose(_mass(link.sampler), np.array([1, 8]) / 9, atol=1e-6)


def test_forward_equals_function_with_the_same_draws():
    link = NegativeSampling(3, [3, 1, 2, 5, 1], sample_size=3)
    link.W.array[...] = np.random.RandomState(0).randn(5, 3)
    x = np.random.RandomState(1).randn(4, 3).astype(np.float32)
    t = np.array([0, 4, -1, 2], np.int32)
    for reduce in ("sum", "no"):
        np.random.seed(3)
        loss, samples = link(x, t, reduce=reduce, return_samples=True)
        np.random.seed(3)
        expected, expected_samples = negative_sampling(x, t, link.W, link.sampler.sample, 3, reduce=reduce,
                                                       return_samples=True)
        np.testing.assert_array_equal(samples, expected_samples)
        np.testing.assert_array_equal(loss.array, expected.array)
        assert samples.shape == (4, 4) and (samples[:, 0] == t).all()


def test_gradient_reaches_W():
    link = NegativeSampling(2, [1, 1, 1], sample_size=2)
    link(np.ones((2, 2), np.float32), np.array([0, 1], np.int32)).backward()
    assert link.W.grad.shape == (3, 2) and np.abs(link.W.grad).sum() > 0


def test_dtype_argument_and_keyword_only_return_samples():
    link = NegativeSampling(2, [1, 2], 1, dtype=np.float64)
    assert link.W.dtype == np.float32  # W uses the default dtype, as in Chainer
    with pytest.raises(TypeError):
        link(np.ones((1, 2), np.float32), np.array([0], np.int32), "sum", True)


def test_to_device_moves_the_sampler_too(sampled_output_links):
    sampled_output_links.check_to_device_moves_the_sampler(NegativeSampling(2, [1, 2], 1))


def test_npz_round_trip(sampled_output_links, tmp_path):
    sampled_output_links.check_only_W_round_trips_through_npz(lambda: NegativeSampling(2, [1, 2, 3], 1),
                                                              tmp_path / "ns.npz")


def test_bad_counts_error():
    with pytest.raises(kusari.utils.type_check.InvalidType, match=r"WalkerAlias: argument 'probs'"):
        NegativeSampling(2, [], 1)
