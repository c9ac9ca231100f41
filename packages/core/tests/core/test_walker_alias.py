"""kusari.utils.WalkerAlias: alias tables that reproduce the distribution, sampling, devices, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.utils.type_check import InvalidType
from kusari.utils.walker_alias import WalkerAlias


def _table_mass(sampler):
    """The probability of each id implied by the tables (exact, no sampling)."""
    n = len(sampler.threshold)
    keep = np.clip(sampler.threshold.astype(np.float64), 0, 1)
    mass = np.zeros(n)
    for slot in range(n):
        mass[sampler.values[2 * slot]] += keep[slot] / n
        mass[sampler.values[2 * slot + 1]] += (1 - keep[slot]) / n
    return mass


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=12).filter(lambda p: sum(p) > 1e-3))
def test_tables_encode_the_normalised_weights(weights):
    sampler = WalkerAlias(weights)
    assert sampler.threshold.dtype == np.float32 and sampler.values.dtype == np.int32
    assert sampler.threshold.shape == (len(weights),) and sampler.values.shape == (2 * len(weights),)
    assert ((sampler.values >= 0) & (sampler.values < len(weights))).all()
    expected = np.asarray(weights) / np.sum(weights)
    np.testing.assert_allclose(_table_mass(sampler), expected, atol=2e-6)


def test_empirical_frequencies_match_probabilities():
    probs = np.array([0.5, 0.0, 0.1, 0.25, 0.15])
    np.random.seed(12345)
    n_draws = 200_000
    s = WalkerAlias(probs * 7).sample(n_draws)
    counts = np.bincount(s, minlength=len(probs))
    assert counts[1] == 0  # a zero weight is never drawn
    used = probs > 0
    expected = probs[used] * n_draws
    chi2 = (((counts[used] - expected) ** 2) / expected).sum()
    # 3 degrees of freedom: P(chi2 > 25) < 2e-5 for a correct sampler.
    assert chi2 < 25, (counts, expected)


def test_sample_shape_and_dtype():
    sampler = WalkerAlias([1, 2, 3])
    a = sampler.sample((2, 3, 4))
    assert a.shape == (2, 3, 4) and a.dtype == np.int32
    assert sampler.sample(5).shape == (5,)
    assert ((a >= 0) & (a < 3)).all()


def test_single_id_always_drawn():
    np.testing.assert_array_equal(WalkerAlias([4.0]).sample((3, 2)), np.zeros((3, 2), np.int32))


def test_same_seed_same_draws():
    sampler = WalkerAlias([3, 1, 4, 1, 5])
    np.random.seed(7)
    a = sampler.sample(50)
    np.random.seed(7)
    np.testing.assert_array_equal(sampler.sample(50), a)


def test_devices_round_trip_on_cpu():
    sampler = WalkerAlias([1, 2])
    assert sampler.to_device("@numpy") is sampler and sampler.to_cpu() is sampler
    assert str(sampler.device) == "@numpy"
    assert sampler.xp is np and sampler.use_gpu is False
    assert isinstance(sampler.sample(3), np.ndarray)


@pytest.mark.parametrize(("probs", "match"), [
    ([], r"WalkerAlias: argument 'probs' expected a non-empty 1-d sequence of weights, got shape \(0,\)"),
    ([[1, 2]], r"WalkerAlias: argument 'probs' expected a non-empty 1-d sequence of weights, got shape \(1, 2\)"),
    ([1, -1, 2], r"WalkerAlias: argument 'probs' expected finite non-negative weights with a positive sum, "
                 r"got \[1, -1, 2\]"),
    ([0, 0], r"expected finite non-negative weights with a positive sum, got \[0, 0\]"),
    ([1, float("nan")], r"expected finite non-negative weights with a positive sum, got \[1.0, nan\]"),
])
def test_bad_probs(probs, match):
    with pytest.raises(InvalidType, match=match):
        WalkerAlias(probs)
