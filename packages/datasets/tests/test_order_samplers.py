"""Order samplers: permutations, seeding, and the saved random state."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import serializers
from kusari.iterators import OrderSampler, ShuffleOrderSampler
from kusari.utils.type_check import InvalidType


@given(n=st.integers(0, 20), seed=st.integers(0, 2**32 - 1))
def test_shuffle_returns_a_permutation_of_the_epoch(n, seed):
    order = ShuffleOrderSampler(np.random.RandomState(seed))(np.arange(n), 0)
    assert order.shape == (n,) and order.dtype.kind == "i"
    assert sorted(order.tolist()) == list(range(n))


def test_same_seed_same_orders_and_generators_work():
    a, b = (ShuffleOrderSampler(np.random.RandomState(7)) for _ in range(2))
    assert all((a(np.arange(9), 0) == b(np.arange(9), 0)).all() for _ in range(3))
    g = ShuffleOrderSampler(np.random.default_rng(0))
    assert sorted(g(np.arange(5), 0).tolist()) == [0, 1, 2, 3, 4]


def test_default_follows_numpy_global_seed():
    sampler = ShuffleOrderSampler()
    np.random.seed(11)
    first = sampler(np.arange(30), 0)
    np.random.seed(11)
    assert (sampler(np.arange(30), 0) == first).all()


def test_saved_state_reproduces_later_orders():
    a = ShuffleOrderSampler(np.random.RandomState(1))
    a(np.arange(8), 0)
    s = serializers.DictionarySerializer()
    a.serialize(s)
    b = ShuffleOrderSampler(np.random.RandomState(2))
    b.serialize(serializers.NpzDeserializer(s.target))
    assert all((a(np.arange(8), 0) == b(np.arange(8), 0)).all() for _ in range(3))


def test_global_state_is_never_saved_or_overwritten():
    s = serializers.DictionarySerializer()
    ShuffleOrderSampler().serialize(s)
    assert s.target == {}


def test_bad_random_state():
    with pytest.raises(InvalidType, match="ShuffleOrderSampler: argument 'random_state' expected a "
                                          "numpy.random.RandomState or Generator"):
        ShuffleOrderSampler(42)


def test_base_class_must_be_overridden():
    with pytest.raises(NotImplementedError, match="OrderSampler must implement __call__"):
        OrderSampler()(np.arange(3), 0)
