"""Iterator: Chainer v7's iterator protocol, plus previous_epoch_detail for free."""
import gc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.dataset import Iterator


class Batches(Iterator):
    """n examples in batches of b, repeating or not; no previous_epoch_detail of its own."""

    def __init__(self, n, b, repeat=True):
        self.n, self.b, self.repeat = n, b, repeat
        self.position = 0
        self.epoch = 0
        self.is_new_epoch = False
        self.finalized = 0

    def __next__(self):
        if not self.repeat and self.epoch > 0:
            raise StopIteration
        batch = [(self.position + k) % self.n for k in range(self.b)]
        self.position += self.b
        epoch = self.position // self.n
        self.is_new_epoch = epoch > self.epoch
        self.epoch = epoch
        return batch

    @property
    def epoch_detail(self):
        return self.position / self.n

    def finalize(self):
        self.finalized += 1


def test_previous_epoch_detail_is_none_before_the_first_batch():
    assert Batches(4, 2).previous_epoch_detail is None


def test_previous_epoch_detail_follows_each_batch():
    it = Batches(4, 1)
    seen = []
    for _ in range(5):
        before = it.epoch_detail
        it.next()
        seen.append((before, it.previous_epoch_detail))
    assert [b for b, _ in seen] == [p for _, p in seen] == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_stop_iteration_leaves_previous_epoch_detail_alone():
    it = Batches(2, 2, repeat=False)
    assert next(it) == [0, 1]
    assert it.previous_epoch_detail == 0.0
    with pytest.raises(StopIteration):
        next(it)
    assert it.previous_epoch_detail == 0.0


def test_a_subclass_with_its_own_previous_epoch_detail_is_not_wrapped():
    # Like Chainer's SerialIterator: it keeps its own value.
    class Own(Iterator):
        def __next__(self):
            return []

        @property
        def previous_epoch_detail(self):
            return -123.0

    assert Own.__next__ is vars(Own)["__next__"]
    it = Own()
    next(it)
    assert it.previous_epoch_detail == -123.0
    assert "previous_epoch_detail" not in vars(it)


def test_overriding_next_in_a_sub_subclass_still_records_before_values():
    class Doubled(Batches):
        def __next__(self):
            return super().__next__() + super().__next__()

    it = Doubled(4, 1)
    assert next(it) == [0, 1]
    assert it.previous_epoch_detail == 0.0
    next(it)
    assert it.previous_epoch_detail == 0.5


@given(st.integers(1, 7), st.integers(1, 4), st.integers(1, 12))
def test_previous_epoch_detail_is_always_the_detail_before_the_last_batch(n, b, steps):
    it = Batches(n, b)
    for _ in range(steps):
        before = it.epoch_detail
        next(it)
        assert it.previous_epoch_detail == before
        assert it.epoch == int(it.epoch_detail)


def test_default_epoch_attributes():
    class Bare(Iterator):
        def __next__(self):
            self.epoch += 1
            self.is_new_epoch = True
            return []

    it = Bare()
    assert (it.epoch, it.epoch_detail, it.is_new_epoch) == (0, 0.0, False)
    next(it)
    assert (it.epoch, it.epoch_detail, it.previous_epoch_detail, it.is_new_epoch) == (1, 1.0, 0.0, True)
    it.epoch_detail = 1.5
    assert it.epoch_detail == 1.5


def test_iteration_protocol_and_next_alias():
    it = Batches(3, 2, repeat=False)
    assert iter(it) is it
    assert list(it) == [[0, 1], [2, 0]]


def test_base_next_must_be_implemented():
    with pytest.raises(NotImplementedError, match="Iterator must implement __next__"):
        Iterator().next()


def test_with_block_finalizes():
    with Batches(3, 1) as it:
        next(it)
        assert it.finalized == 0
    assert it.finalized == 1


def test_garbage_collection_finalizes():
    log = []

    class Logged(Batches):
        def finalize(self):
            log.append("finalized")

    it = Logged(2, 1)
    del it
    gc.collect()
    assert log == ["finalized"]


def test_base_serialize_writes_nothing():
    calls = []
    Iterator().serialize(lambda key, value: calls.append(key) or value)
    assert calls == []


# The custom iterator of seed 001 (Chainer's PTB example), with only the import changed.
class ParallelSequentialIterator(kusari.dataset.Iterator):

    def __init__(self, dataset, batch_size, repeat=True):
        self.dataset = dataset
        self.batch_size = batch_size
        self.epoch = 0
        self.is_new_epoch = False
        self.repeat = repeat
        length = len(dataset)
        self.offsets = [i * length // batch_size for i in range(batch_size)]
        self.iteration = 0

    def __next__(self):
        length = len(self.dataset)
        if not self.repeat and self.iteration * self.batch_size >= length:
            raise StopIteration
        cur_words = self.get_words()
        self.iteration += 1
        next_words = self.get_words()

        epoch = self.iteration * self.batch_size // length
        self.is_new_epoch = self.epoch < epoch
        if self.is_new_epoch:
            self.epoch = epoch

        return list(zip(cur_words, next_words))  # noqa: B905 (the seed's code)

    @property
    def epoch_detail(self):
        return self.iteration * self.batch_size / len(self.dataset)

    def get_words(self):
        return [self.dataset[(offset + self.iteration) % len(self.dataset)]
                for offset in self.offsets]

    def serialize(self, serializer):
        self.iteration = serializer('iteration', self.iteration)
        self.epoch = serializer('epoch', self.epoch)


def test_seed_ptb_iterator_runs_and_resumes_through_serialize():
    words = np.arange(10, dtype=np.int32)
    it = ParallelSequentialIterator(words, 2)
    assert next(it) == [(0, 1), (5, 6)]
    next(it), next(it)
    assert it.previous_epoch_detail == pytest.approx(0.4)
    assert it.epoch_detail == pytest.approx(0.6)
    state = {}
    it.serialize(lambda key, value: state.setdefault(key, value))
    resumed = ParallelSequentialIterator(words, 2)
    resumed.serialize(lambda key, value: state[key])
    assert next(resumed) == next(it) == [(3, 4), (8, 9)]
    assert not it.is_new_epoch
    next(it)
    assert it.is_new_epoch and it.epoch == 1 and it.epoch_detail == pytest.approx(1.0)


def test_seed_import_paths():
    # seeds: `chainer.dataset.Iterator`, `from chainer.dataset import iterator` (`iterator.Iterator`),
    # `chainer.dataset.DatasetMixin`, `from chainer.dataset import convert`.
    from kusari.dataset import convert, iterator

    assert iterator.Iterator is kusari.dataset.Iterator is Iterator
    assert kusari.dataset.DatasetMixin.__name__ == "DatasetMixin"
    assert callable(convert.concat_examples) and callable(kusari.dataset.to_device)
