"""ParallelSequentialIterator: Chainer's PTB iterator (streams at even offsets, epochs, serialize)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.rnn.training import ParallelSequentialIterator
from kusari.serializers import load_npz, save_npz
from kusari.utils.type_check import InvalidType


def _expected_batch(data, batch_size, step):
    # Stream i starts at i * n // batch_size and moves one word per step.
    n = len(data)
    starts = [i * n // batch_size for i in range(batch_size)]
    return [(data[(s + step) % n], data[(s + step + 1) % n]) for s in starts]


@given(n=st.integers(1, 12), batch_size=st.integers(1, 5), steps=st.integers(1, 10))
def test_batches_are_current_and_next_word_of_each_stream(n, batch_size, steps):
    data = np.arange(100, 100 + n, dtype=np.int32)
    it = ParallelSequentialIterator(data, batch_size)
    for step in range(steps):
        batch = it.next()
        got = [(int(x), int(t)) for x, t in batch]
        assert got == [(int(x), int(t)) for x, t in _expected_batch(data, batch_size, step)]
        assert it.iteration == step + 1


@given(n=st.integers(1, 12), batch_size=st.integers(1, 5), steps=st.integers(1, 12))
def test_epoch_counts_words_per_stream(n, batch_size, steps):
    it = ParallelSequentialIterator(np.zeros(n, np.int32), batch_size)
    previous_epoch = 0
    for step in range(1, steps + 1):
        before = it.epoch_detail
        it.next()
        assert it.previous_epoch_detail == before
        assert it.epoch_detail == pytest.approx(step * batch_size / n)
        assert it.epoch == step * batch_size // n
        assert it.is_new_epoch == (it.epoch > previous_epoch)
        previous_epoch = it.epoch


def test_list_dataset_gives_the_same_pairs_as_an_array():
    words = [3, 1, 4, 1, 5, 9, 2]
    a = ParallelSequentialIterator(words, 3)
    b = ParallelSequentialIterator(np.array(words), 3)
    for _ in range(5):
        assert [(int(x), int(t)) for x, t in a.next()] == [(int(x), int(t)) for x, t in b.next()]


def test_without_repeat_stops_after_one_epoch():
    it = ParallelSequentialIterator(np.arange(7), 3, repeat=False)
    batches = list(it)
    assert len(batches) == 3  # 3 * 3 >= 7 after the third batch
    assert it.epoch == 1


def test_previous_epoch_detail_is_none_before_the_first_batch_and_after_reset():
    it = ParallelSequentialIterator(np.arange(4), 2)
    assert it.previous_epoch_detail is None
    it.next()
    assert it.previous_epoch_detail == 0.0
    it.reset()
    assert (it.iteration, it.epoch, it.previous_epoch_detail) == (0, 0, None)


def test_serialize_round_trip_resumes_the_same_stream(tmp_path):
    data = np.arange(11, dtype=np.int32)
    it = ParallelSequentialIterator(data, 3)
    for _ in range(5):
        it.next()
    save_npz(tmp_path / "it.npz", it)
    resumed = ParallelSequentialIterator(data, 3)
    load_npz(tmp_path / "it.npz", resumed)
    assert (resumed.iteration, resumed.epoch) == (it.iteration, it.epoch)
    assert resumed.previous_epoch_detail == pytest.approx(it.previous_epoch_detail)
    for _ in range(4):
        assert [(int(x), int(t)) for x, t in resumed.next()] == \
            [(int(x), int(t)) for x, t in it.next()]


def test_serialize_before_any_batch_keeps_previous_epoch_detail_none(tmp_path):
    save_npz(tmp_path / "it.npz", ParallelSequentialIterator(np.arange(4), 2))
    resumed = ParallelSequentialIterator(np.arange(4), 2)
    resumed.next()
    load_npz(tmp_path / "it.npz", resumed)
    assert (resumed.iteration, resumed.previous_epoch_detail) == (0, None)


def test_snapshot_without_previous_epoch_detail_recomputes_it():
    it = ParallelSequentialIterator(np.arange(8), 2)

    def old_snapshot(key, value):  # a snapshot of Chainer's example: two keys only
        if key == "previous_epoch_detail":
            raise KeyError(key)
        return {"iteration": 3, "epoch": 0}[key]

    it.serialize(old_snapshot)
    assert it.iteration == 3
    assert it.previous_epoch_detail == pytest.approx(2 * 2 / 8)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "2", True])
def test_bad_batch_size_is_rejected(batch_size):
    with pytest.raises(InvalidType, match=r"ParallelSequentialIterator: argument 'batch_size' "
                                          r"expected a positive int, got"):
        ParallelSequentialIterator(np.arange(4), batch_size)


def test_empty_dataset_is_rejected():
    with pytest.raises(InvalidType, match=r"ParallelSequentialIterator: argument 'dataset' "
                                          r"expected a non-empty sequence, got an empty one"):
        ParallelSequentialIterator([], 2)


def test_dataset_without_len_is_rejected():
    with pytest.raises(InvalidType, match=r"ParallelSequentialIterator: argument 'dataset' "
                                          r"expected a sequence with len\(\), got generator"):
        ParallelSequentialIterator((i for i in range(3)), 2)
