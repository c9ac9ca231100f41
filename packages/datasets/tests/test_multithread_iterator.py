"""MultithreadIterator: same epochs and snapshots as SerialIterator, errors surface, pool shuts down."""
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari import serializers
from kusari.iterators import MultithreadIterator, SerialIterator, ShuffleOrderSampler
from kusari.utils.type_check import InvalidType

sizes = st.integers(1, 12)
batch_sizes = st.integers(1, 7)


@settings(max_examples=30)
@given(n=sizes, batch_size=batch_sizes, shuffle=st.booleans(), repeat=st.booleans(),
       n_threads=st.integers(1, 3))
def test_same_batches_and_positions_as_serial_iterator(iterators, n, batch_size, shuffle, repeat, n_threads):
    # SerialIterator's own tests pin the semantics (Chainer's); this one must agree exactly.
    make, trace = iterators.make, iterators.trace
    steps = -(-3 * n // batch_size) + 1
    with make(MultithreadIterator, n, batch_size, repeat, shuffle, n_threads=n_threads) as it:
        assert trace(it, steps) == trace(make(SerialIterator, n, batch_size, repeat, shuffle), steps)


@settings(max_examples=30)
@given(n=sizes, batch_size=batch_sizes, shuffle=st.booleans(), repeat=st.booleans(),
       steps=st.integers(0, 12), more=st.integers(1, 12))
def test_restored_iterator_continues_identically(iterators, n, batch_size, shuffle, repeat, steps, more):
    make, trace = iterators.make, iterators.trace
    with make(MultithreadIterator, n, batch_size, repeat, shuffle, seed=1, n_threads=2) as it, \
            make(MultithreadIterator, n, batch_size, repeat, shuffle, seed=2, n_threads=2) as fresh:
        trace(it, steps)  # leaves a prefetched batch pending
        iterators.copy_state_through_npz(it, fresh)
        assert trace(fresh, more) == trace(it, more)


def test_snapshot_keys_and_dtypes_are_chainers():
    with MultithreadIterator(list(range(5)), 2, shuffle=False) as it:
        it.next()
        s = serializers.DictionarySerializer()
        it.serialize(s)
    assert {k: v.dtype for k, v in s.target.items()} == {
        "current_position": np.int64, "epoch": np.int64, "is_new_epoch": np.bool_,
        "_order": object, "previous_epoch_detail": np.float64}
    assert s.target["_order"][()] is None


def test_chainer_style_snapshot_file_restores(tmp_path):
    # Chainer's MultithreadIterator writes '_order' even when not shuffling (None marker).
    path = tmp_path / "mt.npz"
    np.savez(path, current_position=np.array(3, np.int64), epoch=np.array(1, np.int64),
             is_new_epoch=np.array(False), _order=np.array(None, dtype=object),
             previous_epoch_detail=np.array(1.0, np.float64))
    with MultithreadIterator(list(range(5)), 3, shuffle=False) as it:
        serializers.load_npz(str(path), it)
        assert (it.epoch, it.current_position, it.previous_epoch_detail) == (1, 3, 1.0)
        assert it.next() == [3, 4, 0]


def test_dataset_exception_surfaces_with_its_traceback(iterators):
    with MultithreadIterator(iterators.Broken(), 2, shuffle=False, n_threads=2) as it:
        assert it.next() == [0, 1]
        with pytest.raises(KeyError, match="example 2 is broken") as info:
            it.next()
    assert any(entry.name == "__getitem__" for entry in info.traceback)


def test_examples_are_read_in_worker_threads_and_finalize_stops_them():
    main = threading.get_ident()
    readers = set()

    class Recording:
        def __len__(self):
            return 6

        def __getitem__(self, i):
            readers.add(threading.get_ident())
            return i

    it = MultithreadIterator(Recording(), 3, shuffle=False, n_threads=2)
    it.next()
    workers = [t for t in threading.enumerate() if t.name.startswith("kusari-MultithreadIterator")]
    assert workers and main not in readers
    it.finalize()
    it.finalize()
    for t in workers:
        t.join(timeout=5)
    assert not any(t.is_alive() for t in workers)
    assert it.next() == [3, 4, 5]  # a new pool after finalize
    it.finalize()


def test_reset_drops_the_prefetched_batch():
    with MultithreadIterator(list(range(4)), 3, shuffle=False) as it:
        it.next()
        it.reset()
        assert (it.epoch, it.current_position, it.previous_epoch_detail) == (0, 0, None)
        assert it.next() == [0, 1, 2]


@pytest.mark.parametrize("n_threads", [0, -2, 1.0, True])
def test_bad_n_threads(n_threads):
    with pytest.raises(InvalidType, match="MultithreadIterator: argument 'n_threads' expected a positive int"):
        MultithreadIterator([1], 1, n_threads=n_threads)


def test_shuffle_and_order_sampler_together_is_an_error():
    with pytest.raises(ValueError, match="MultithreadIterator: argument 'order_sampler' expected None "
                                         "when 'shuffle' is given"):
        MultithreadIterator([1, 2], 1, shuffle=False, order_sampler=ShuffleOrderSampler())


def test_bad_batch_size():
    with pytest.raises(InvalidType, match="MultithreadIterator: argument 'batch_size' expected a positive int"):
        MultithreadIterator([1, 2], 0)
