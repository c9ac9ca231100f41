"""``SerialIterator``: minibatches read in the main thread, in order or shuffled.

The position bookkeeping (where in which epoch's order the iterator is, and
what the next batch's indices are) is a pure function of a small state
tuple, :func:`_advance`, shared with ``MultithreadIterator``; the state is
what ``serialize`` saves, under Chainer v7's keys, so snapshots move between
Chainer and kusari in both directions.

Example:
    >>> from kusari.iterators import SerialIterator
    >>> it = SerialIterator(list(range(5)), 2, shuffle=False)
    >>> it.next(), it.next(), it.next()
    ([0, 1], [2, 3], [4, 0])
    >>> it.epoch, it.epoch_detail, it.is_new_epoch
    (1, 1.2, True)
"""
from __future__ import annotations

from typing import NamedTuple

import numpy

from kusari.dataset import iterator
from kusari.iterators.order_samplers import ShuffleOrderSampler
from kusari.serializer import fail_value
from kusari.utils import type_check

__all__ = ["SerialIterator"]


class _State(NamedTuple):
    current_position: int
    epoch: int
    is_new_epoch: bool
    order: object  # 1-D index array, or None for the dataset's own order


def _check_settings(func, batch_size, shuffle, order_sampler):
    """The order sampler the settings ask for (None: the dataset's order)."""
    if isinstance(batch_size, (bool, numpy.bool_)) or not isinstance(batch_size, (int, numpy.integer)) \
            or batch_size < 1:
        type_check.fail(func, "batch_size", "a positive int", repr(batch_size))
    if shuffle is not None and order_sampler is not None:
        # A ValueError as in Chainer (InvalidValue is both).
        fail_value(func, "order_sampler", "None when 'shuffle' is given (pass shuffle=None "
                   "to use a custom order sampler)", f"{order_sampler!r} with shuffle={shuffle!r}")
    if order_sampler is not None and not callable(order_sampler):
        type_check.fail(func, "order_sampler", "a callable (current_order, current_position) -> "
                        "order", type(order_sampler).__name__)
    if shuffle is None and order_sampler is None:
        return ShuffleOrderSampler()  # Chainer's default: shuffle
    if shuffle:
        return ShuffleOrderSampler()
    return order_sampler


def _initial_state(func, order_sampler, dataset_len):
    order = None
    if order_sampler is not None:
        order = _sample(func, order_sampler, numpy.arange(dataset_len), 0, dataset_len)
    return _State(0, 0, False, order)


def _sample(func, order_sampler, order, position, expected_len):
    new_order = order_sampler(order, position)
    if len(new_order) != expected_len:
        fail_value(func, "order_sampler", f"an order of length {expected_len} (the epoch size)",
                   f"length {len(new_order)}")
    return new_order


def _advance(func, state, batch_size, repeat, order_sampler, dataset_len):
    """The state after the next batch and the batch's indices (None at the end).

    A batch may cross an epoch boundary (it takes the rest of this epoch and
    the start of the next; with ``batch_size`` over the epoch size, several
    epochs); without ``repeat`` the batch that ends the first epoch is short
    and the next call returns None.
    """
    position, epoch, _, order = state
    if not repeat and epoch > 0:
        return state, None
    epoch_size = dataset_len if order is None else len(order)
    if repeat and epoch_size == 0:
        fail_value(func, "dataset", "a non-empty dataset for an iterator that repeats", "0 examples")

    def take(start, stop):
        return numpy.arange(start, stop, dtype=numpy.intp) if order is None else order[start:stop]

    pieces = []
    end = position + batch_size
    is_new_epoch = False
    while end >= epoch_size:
        pieces.append(take(position, epoch_size))
        if order is not None:
            order = _sample(func, order_sampler, order, position, epoch_size)
        epoch += 1
        is_new_epoch = True
        position = 0
        if not repeat:
            end = 0
            break
        end -= epoch_size
    pieces.append(take(position, end))
    return _State(end, epoch, is_new_epoch, order), numpy.concatenate(pieces)


class _PositionMixin:
    """The Chainer iterator attributes derived from ``self._state``, and ``serialize``."""

    #: Key under which the current order is saved (Chainer's SerialIterator
    #: wrote 'order', older versions and MultithreadIterator '_order').
    _order_keys = ("order", "_order")

    @property
    def current_position(self) -> int:
        """Index into the current epoch's order of the next example to read."""
        return self._state.current_position

    @property
    def epoch(self) -> int:
        """Number of completed epochs."""
        return self._state.epoch

    @property
    def is_new_epoch(self) -> bool:
        """Whether the last batch completed an epoch."""
        return self._state.is_new_epoch

    @property
    def epoch_detail(self) -> float:
        """Epochs as a float: ``epoch + current_position / epoch_size``."""
        size = self._epoch_size
        return float(self.epoch) if size == 0 else self.epoch + self.current_position / size

    @property
    def previous_epoch_detail(self):
        """``epoch_detail`` before the last ``next``; None before the first."""
        return None if self._previous_epoch_detail < 0 else self._previous_epoch_detail

    @property
    def repeat(self) -> bool:
        """Whether the iterator loops over the dataset forever."""
        return self._repeat

    @property
    def _epoch_size(self) -> int:
        order = self._state.order
        return len(self.dataset) if order is None else len(order)

    def _serialize_state(self, serializer, always_write_order: bool) -> None:
        current_position = serializer("current_position", self.current_position)
        epoch = serializer("epoch", self.epoch)
        is_new_epoch = serializer("is_new_epoch", self.is_new_epoch)
        order = self._state.order
        if order is not None or always_write_order:
            order = self._serialize_order(serializer, order)
        self._state = _State(int(current_position), int(epoch), bool(is_new_epoch), order)
        try:
            self._previous_epoch_detail = float(serializer(
                "previous_epoch_detail", float(self._previous_epoch_detail)))
        except KeyError:
            # Snapshots of old Chainer versions: reconstruct it from the position.
            previous = self.epoch + (self.current_position - self.batch_size) / max(self._epoch_size, 1)
            self._previous_epoch_detail = max(previous, 0.0) if self.epoch_detail > 0 else -1.0
        sampler_serialize = getattr(self.order_sampler, "serialize", None)
        if sampler_serialize is not None:
            try:
                sampler_serialize(serializer["order_sampler"])
            except KeyError:
                pass  # a Chainer snapshot has no sampler state: keep the current one

    def _serialize_order(self, serializer, order):
        first, legacy = self._order_keys
        try:
            restored = serializer(first, order)
        except KeyError:
            restored = serializer(legacy, order)
        # Writing returns ``order`` itself; reading an array copies in place and
        # returns it, reading into None (or Chainer's None marker) returns the file's.
        return None if restored is None else numpy.asarray(restored)


class SerialIterator(_PositionMixin, iterator.Iterator):
    """Dataset iterator that reads the examples one after another in the calling thread.

    Args:
        dataset: anything with ``__len__`` and ``__getitem__`` (a list, a
            ``DatasetMixin``, a ``TupleDataset``...).
        batch_size (int): examples per batch.
        repeat (bool): loop over the dataset forever; with False,
            ``StopIteration`` after the first epoch (the last batch may be short).
        shuffle (bool): a new random order every epoch (True), or the
            dataset's order (False).  None (the default) shuffles unless an
            ``order_sampler`` is given.
        order_sampler (callable): ``f(current_order, current_position)``
            returning the next epoch's order (see ``ShuffleOrderSampler``);
            only with ``shuffle=None``.

    ``serialize`` writes Chainer v7's keys: ``current_position``, ``epoch``,
    ``is_new_epoch``, ``order`` (when shuffling) and ``previous_epoch_detail``
    (-1.0 for None); a restored iterator continues with the same order and
    position.

    Example:
        >>> import numpy as np
        >>> from kusari.iterators import SerialIterator
        >>> it = SerialIterator(np.arange(10) * 10, 4, repeat=False, shuffle=False)
        >>> [batch for batch in it]
        [[np.int64(0), np.int64(10), np.int64(20), np.int64(30)], [np.int64(40), np.int64(50), np.int64(60), np.int64(70)], [np.int64(80), np.int64(90)]]
        >>> it.epoch, it.is_new_epoch
        (1, True)
    """

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None, order_sampler=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self._repeat = repeat
        self._shuffle = shuffle
        self.order_sampler = _check_settings("SerialIterator", batch_size, shuffle, order_sampler)
        self.reset()

    def __next__(self):
        # Recorded before the StopIteration check, as in Chainer.
        self._previous_epoch_detail = self.epoch_detail
        self._state, indices = _advance("SerialIterator", self._state, self.batch_size, self._repeat,
                                        self.order_sampler, len(self.dataset))
        if indices is None:
            raise StopIteration
        return [self.dataset[index] for index in indices]

    next = __next__

    def reset(self) -> None:
        """Start over: epoch 0, position 0, a freshly sampled order.

        Example:
            >>> from kusari.iterators import SerialIterator
            >>> it = SerialIterator([1, 2, 3], 2, shuffle=False)
            >>> _ = it.next(); it.reset(); it.current_position, it.previous_epoch_detail
            (0, None)
        """
        self._state = _initial_state("SerialIterator", self.order_sampler, len(self.dataset))
        self._previous_epoch_detail = -1.0

    def serialize(self, serializer) -> None:
        """Save or restore the position, the epoch and the current order (Chainer's keys).

        Example:
            >>> from kusari.iterators import SerialIterator
            >>> from kusari.serializers import DictionarySerializer, NpzDeserializer
            >>> it = SerialIterator(list(range(6)), 4, shuffle=False); _ = it.next()
            >>> s = DictionarySerializer(); it.serialize(s)
            >>> fresh = SerialIterator(list(range(6)), 4, shuffle=False)
            >>> fresh.serialize(NpzDeserializer(s.target)); fresh.next()
            [4, 5, 0, 1]
        """
        self._serialize_state(serializer, always_write_order=False)
