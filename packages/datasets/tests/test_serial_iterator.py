"""SerialIterator: epochs, orders, StopIteration, snapshots (kusari's and Chainer's)."""
import io
import json
import os
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari import serializers
from kusari.iterators import OrderSampler, SerialIterator, ShuffleOrderSampler
from kusari.utils.type_check import InvalidType

CHAINER_PYTHON = "/root/.cache/kusari-ref/chainer/bin/python"

sizes = st.integers(1, 12)
batch_sizes = st.integers(1, 7)


def make(n, batch_size, repeat=True, shuffle=True, seed=0):
    sampler = ShuffleOrderSampler(np.random.RandomState(seed)) if shuffle else None
    return SerialIterator(list(range(n)), batch_size, repeat=repeat,
                          shuffle=None if shuffle else False, order_sampler=sampler)


def roundtrip(it, fresh):
    """Save ``it`` to an npz in memory and load it into ``fresh``, through files as a trainer does."""
    buf = io.BytesIO()
    serializers.save_npz(buf, it)
    buf.seek(0)
    serializers.load_npz(buf, fresh)
    return fresh


def state(it):
    return (it.epoch, it.current_position, it.is_new_epoch, it.epoch_detail, it.previous_epoch_detail)


@given(n=sizes, batch_size=batch_sizes, shuffle=st.booleans())
def test_repeating_iterator_sees_every_example_once_per_epoch(n, batch_size, shuffle):
    it = make(n, batch_size, shuffle=shuffle)
    n_batches = -(-3 * n // batch_size)  # enough for three epochs
    seen = [x for _ in range(n_batches) for x in it.next()]
    assert len(seen) == n_batches * batch_size
    for epoch in range(3):
        assert sorted(seen[epoch * n:(epoch + 1) * n]) == list(range(n))
    if not shuffle:
        assert seen == [i % n for i in range(len(seen))]


@given(n=sizes, batch_size=batch_sizes, shuffle=st.booleans())
def test_non_repeating_iterator_stops_after_one_epoch(n, batch_size, shuffle):
    it = make(n, batch_size, repeat=False, shuffle=shuffle)
    batches = list(it)
    assert [len(b) for b in batches[:-1]] == [batch_size] * (len(batches) - 1)
    assert 1 <= len(batches[-1]) <= batch_size
    assert sorted(x for b in batches for x in b) == list(range(n))
    assert (it.epoch, it.epoch_detail, it.is_new_epoch) == (1, 1.0, True)
    with pytest.raises(StopIteration):
        it.next()


@given(n=sizes, batch_size=batch_sizes, shuffle=st.booleans(), steps=st.integers(0, 20))
def test_epoch_detail_is_exact(n, batch_size, shuffle, steps):
    it = make(n, batch_size, shuffle=shuffle)
    assert it.previous_epoch_detail is None
    for t in range(1, steps + 1):
        before = it.epoch_detail
        it.next()
        consumed = t * batch_size
        assert it.epoch == consumed // n
        assert it.current_position == consumed % n
        assert it.epoch_detail == consumed // n + (consumed % n) / n
        assert it.is_new_epoch == (consumed // n > (consumed - batch_size) // n)
        assert it.previous_epoch_detail == before


@settings(max_examples=40)
@given(n=sizes, batch_size=batch_sizes, shuffle=st.booleans(), repeat=st.booleans(),
       steps=st.integers(0, 12), more=st.integers(1, 12))
def test_restored_iterator_continues_identically(n, batch_size, shuffle, repeat, steps, more):
    it = make(n, batch_size, repeat=repeat, shuffle=shuffle, seed=1)

    def take(iterator, k):
        out = []
        for _ in range(k):
            try:
                out.append((iterator.next(), state(iterator)))
            except StopIteration:
                out.append("stop")
        return out

    take(it, steps)
    # A different seed: everything that matters must come from the snapshot.
    restored = roundtrip(it, make(n, batch_size, repeat=repeat, shuffle=shuffle, seed=2))
    assert state(restored) == state(it)
    assert take(restored, more) == take(it, more)


def test_default_shuffle_restores_the_current_epoch_order():
    # The global random state is never saved (as in Chainer): the rest of the
    # current epoch is the same, later epochs are fresh permutations.
    it = SerialIterator(list(range(10)), 3)
    it.next()
    restored = roundtrip(it, SerialIterator(list(range(10)), 3))
    assert [restored.next() for _ in range(2)] == [it.next() for _ in range(2)]
    assert restored.current_position == 9


def test_snapshot_keys_and_dtypes_are_chainers():
    it = SerialIterator(list(range(5)), 2)
    it.next()
    s = serializers.DictionarySerializer()
    it.serialize(s)
    dtypes = {k: v.dtype for k, v in s.target.items()}
    assert dtypes == {"current_position": np.int64, "epoch": np.int64, "is_new_epoch": np.bool_,
                      "order": np.int64, "previous_epoch_detail": np.float64}
    unshuffled = SerialIterator(list(range(5)), 2, shuffle=False)
    s = serializers.DictionarySerializer()
    unshuffled.serialize(s)
    assert "order" not in s.target
    assert s.target["previous_epoch_detail"] == -1.0


def test_private_sampler_state_is_saved_under_its_own_prefix():
    s = serializers.DictionarySerializer()
    make(4, 2, seed=5).serialize(s)
    assert {k for k in s.target if k.startswith("order_sampler/")} == {
        "order_sampler/keys", "order_sampler/pos", "order_sampler/has_gauss",
        "order_sampler/cached_gaussian"}


@pytest.fixture
def chainer_snapshot(tmp_path):
    """An iterator snapshot written by Chainer 7's SerialIterator, and what it does next.

    Made with the reference Chainer when it is installed; otherwise the same
    keys are written by hand with the dtypes Chainer uses (checked against it).
    """
    path = tmp_path / "chainer_iterator.npz"
    if os.path.exists(CHAINER_PYTHON):
        script = (
            "import sys, json, chainer\n"
            "from chainer import serializers\n"
            "it = chainer.iterators.SerialIterator(list(range(10)), 3, shuffle=True)\n"
            "it.next(); it.next()\n"
            "serializers.save_npz(sys.argv[1], it)\n"
            "print(json.dumps({'order': it._state.order.tolist(), 'next': [int(x) for x in it.next()]}))\n")
        out = subprocess.run([CHAINER_PYTHON, "-W", "ignore", "-c", script, str(path)],
                             check=True, capture_output=True, text=True).stdout
        info = json.loads(out.strip().splitlines()[-1])
    else:
        order = np.random.RandomState(0).permutation(10)
        np.savez(path, current_position=np.array(6, np.int64), epoch=np.array(0, np.int64),
                 is_new_epoch=np.array(False), order=order.astype(np.int64),
                 previous_epoch_detail=np.array(0.3, np.float64))
        info = {"order": order.tolist(), "next": order[6:9].tolist()}
    return path, info


def test_chainer_snapshot_restores(chainer_snapshot):
    path, info = chainer_snapshot
    it = SerialIterator(list(range(10)), 3)
    serializers.load_npz(str(path), it)  # strict: only the order sampler's keys may be missing
    assert (it.epoch, it.current_position, it.is_new_epoch) == (0, 6, False)
    assert it.previous_epoch_detail == pytest.approx(0.3)
    assert it._state.order.tolist() == info["order"]
    assert it.next() == info["next"]
    assert it.next()[0] == info["order"][9]


def test_legacy_snapshot_without_previous_epoch_detail():
    # Old Chainer snapshots lack previous_epoch_detail: it is rebuilt from the position.
    target = {"current_position": np.array(4), "epoch": np.array(1), "is_new_epoch": np.array(False),
              "_order": np.arange(5)[::-1].copy()}
    it = SerialIterator(list(range(5)), 2)
    it.serialize(serializers.NpzDeserializer(target))
    assert it.epoch_detail == 1.8
    assert it.previous_epoch_detail == pytest.approx(1.4)
    assert it.next() == [0, it._state.order[0]]
    fresh = SerialIterator(list(range(5)), 2)
    fresh.serialize(serializers.NpzDeserializer(
        {"current_position": np.array(0), "epoch": np.array(0), "is_new_epoch": np.array(False),
         "order": np.arange(5)}))
    assert fresh.previous_epoch_detail is None


def test_reset_starts_over():
    it = SerialIterator(list(range(4)), 3, shuffle=False)
    it.next(), it.next()
    it.reset()
    assert state(it) == (0, 0, False, 0.0, None)
    assert it.next() == [0, 1, 2]


def test_batch_larger_than_dataset_spans_epochs():
    it = SerialIterator([0, 1], 5, shuffle=False)
    assert it.next() == [0, 1, 0, 1, 0]
    assert (it.epoch, it.current_position, it.is_new_epoch) == (2, 1, True)


def test_custom_order_sampler_gets_order_and_position():
    calls = []

    class Rotate(OrderSampler):
        def __call__(self, current_order, current_position):
            calls.append((list(current_order), current_position))
            return np.roll(current_order, 1)

    it = SerialIterator(list("abc"), 2, order_sampler=Rotate())
    assert [it.next() for _ in range(3)] == [["c", "a"], ["b", "b"], ["c", "a"]]
    assert calls == [([0, 1, 2], 0), ([2, 0, 1], 2), ([1, 2, 0], 1)]


def test_shuffle_and_order_sampler_together_is_an_error():
    with pytest.raises(ValueError, match="SerialIterator: argument 'order_sampler' expected None "
                                         "when 'shuffle' is given"):
        SerialIterator([1, 2], 1, shuffle=True, order_sampler=ShuffleOrderSampler())


@pytest.mark.parametrize("batch_size", [0, -1, 1.5, True])
def test_bad_batch_size(batch_size):
    with pytest.raises(InvalidType, match=r"SerialIterator: argument 'batch_size' expected a positive int"):
        SerialIterator([1, 2], batch_size)


def test_order_sampler_must_be_callable():
    with pytest.raises(InvalidType, match="SerialIterator: argument 'order_sampler' expected a callable"):
        SerialIterator([1, 2], 1, order_sampler=3)


def test_order_sampler_of_wrong_length():
    with pytest.raises(ValueError, match=r"SerialIterator: argument 'order_sampler' expected an order "
                                         r"of length 3 \(the epoch size\), got length 2"):
        SerialIterator([1, 2, 3], 1, order_sampler=lambda order, pos: np.arange(2))


def test_repeating_over_an_empty_dataset():
    it = SerialIterator([], 2, shuffle=False)
    with pytest.raises(ValueError, match="SerialIterator: argument 'dataset' expected a non-empty dataset"):
        it.next()
    once = SerialIterator([], 2, repeat=False, shuffle=False)
    assert once.next() == [] and once.epoch_detail == 1.0
    with pytest.raises(StopIteration):
        once.next()


def test_snapshot_of_another_dataset_size_is_refused():
    s = serializers.DictionarySerializer()
    SerialIterator(list(range(4)), 2).serialize(s)
    with pytest.raises(ValueError, match="order"):
        SerialIterator(list(range(5)), 2).serialize(serializers.NpzDeserializer(s.target))
