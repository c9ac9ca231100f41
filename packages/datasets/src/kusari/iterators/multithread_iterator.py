"""``MultithreadIterator``: examples read by a thread pool, the next batch prefetched.

Worth it when reading an example waits on I/O or on code that releases the
GIL (image decoding, NumPy); pure-Python transforms need processes instead.
Epochs, orders and snapshots behave exactly as in ``SerialIterator``.

Example:
    >>> from kusari.iterators import MultithreadIterator
    >>> with MultithreadIterator(list(range(5)), 2, shuffle=False, n_threads=2) as it:
    ...     it.next(), it.next(), it.next(), it.epoch
    ([0, 1], [2, 3], [4, 0], 1)
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy

from kusari.dataset import iterator
from kusari.iterators._worker_batches import may_read_ahead, next_batch_chunks
from kusari.iterators.serial_iterator import _check_settings, _initial_state, _PositionMixin
from kusari.utils import type_check

__all__ = ["MultithreadIterator"]

_NAME = "MultithreadIterator"


class MultithreadIterator(_PositionMixin, iterator.Iterator):
    """Dataset iterator that loads the examples of a batch with worker threads.

    While the caller works on one batch, the next one is already being read.
    The pool is a ``concurrent.futures.ThreadPoolExecutor`` made on the first
    ``next``; :meth:`finalize` (or leaving a ``with`` block) shuts it down.
    An exception raised by the dataset surfaces in ``next`` with its traceback.

    Args:
        dataset: anything with ``__len__`` and ``__getitem__``.
        batch_size (int): examples per batch.
        repeat (bool): loop forever; with False, ``StopIteration`` after one epoch.
        shuffle (bool): random order every epoch (True) or the dataset's
            order (False); None shuffles unless ``order_sampler`` is given.
        n_threads (int): number of worker threads.
        order_sampler (callable): ``f(current_order, current_position)`` giving
            the next epoch's order; only with ``shuffle=None``.

    ``serialize`` writes Chainer v7's keys for this class: ``current_position``,
    ``epoch``, ``is_new_epoch``, ``_order`` (None when not shuffling) and
    ``previous_epoch_detail``.

    Example:
        >>> import numpy as np
        >>> from kusari.iterators import MultithreadIterator
        >>> it = MultithreadIterator(np.arange(6), 3, repeat=False, shuffle=False, n_threads=2)
        >>> [np.stack(batch).tolist() for batch in it]
        [[0, 1, 2], [3, 4, 5]]
        >>> it.finalize()
    """

    # Chainer's MultithreadIterator saved the order as '_order'.
    _order_keys = ("_order", "order")

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None, n_threads=1, order_sampler=None):
        self._pool = None
        self._pending = None
        if isinstance(n_threads, (bool, numpy.bool_)) or not isinstance(n_threads, (int, numpy.integer)) \
                or n_threads < 1:
            type_check.fail(_NAME, "n_threads", "a positive int", repr(n_threads))
        self.dataset = dataset
        self.batch_size = batch_size
        self._repeat = repeat
        self._shuffle = shuffle
        self.n_threads = int(n_threads)
        self.order_sampler = _check_settings(_NAME, batch_size, shuffle, order_sampler)
        self.reset()

    def __next__(self):
        pending = self._pending
        self._pending = None
        if pending is None:
            pending = self._start(self._state)
        next_state, futures = pending
        # Recorded before the StopIteration check, as in Chainer.
        self._previous_epoch_detail = self.epoch_detail
        self._state = next_state
        if futures is None:
            raise StopIteration
        batch = [example for future in futures for example in future.result()]
        self._prefetch()
        return batch

    next = __next__

    def _start(self, state):
        """Advance from ``state`` and submit the reads of the batch's examples."""
        next_state, chunks = next_batch_chunks(_NAME, self, state, self.n_threads)
        if chunks is None:
            return next_state, None
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.n_threads,
                                            thread_name_prefix="kusari-MultithreadIterator")
        return next_state, [self._pool.submit(_read, self.dataset, chunk) for chunk in chunks]

    def _prefetch(self) -> None:
        if may_read_ahead(self, self._state):
            self._pending = self._start(self._state)

    def reset(self) -> None:
        """Start over: epoch 0, position 0, a freshly sampled order; drop any prefetch.

        Example:
            >>> from kusari.iterators import MultithreadIterator
            >>> with MultithreadIterator([1, 2, 3], 2, shuffle=False) as it:
            ...     _ = it.next(); it.reset(); it.next()
            [1, 2]
        """
        self._drop_pending()
        self._state = _initial_state(_NAME, self.order_sampler, len(self.dataset))
        self._previous_epoch_detail = -1.0

    def finalize(self) -> None:
        """Shut the thread pool down (pending reads are cancelled); safe to call twice.

        A later ``next`` starts a new pool.

        Example:
            >>> from kusari.iterators import MultithreadIterator
            >>> it = MultithreadIterator([1, 2, 3], 2, shuffle=False)
            >>> _ = it.next(); it.finalize(); it.finalize(); it.next()
            [3, 1]
            >>> it.finalize()
        """
        self._pending = None
        pool = getattr(self, "_pool", None)
        self._pool = None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def serialize(self, serializer) -> None:
        """Save or restore the position, the epoch and the order (Chainer's keys for this class).

        Example:
            >>> from kusari.iterators import MultithreadIterator
            >>> from kusari.serializers import DictionarySerializer, NpzDeserializer
            >>> with MultithreadIterator(list(range(6)), 4, shuffle=False) as it:
            ...     _ = it.next(); s = DictionarySerializer(); it.serialize(s)
            >>> sorted(s.target)
            ['_order', 'current_position', 'epoch', 'is_new_epoch', 'previous_epoch_detail']
            >>> with MultithreadIterator(list(range(6)), 4, shuffle=False) as fresh:
            ...     fresh.serialize(NpzDeserializer(s.target)); fresh.next()
            [4, 5, 0, 1]
        """
        # A prefetched batch belongs to the state before (de)serialization.
        self._drop_pending()
        self._serialize_state(serializer, always_write_order=True)

    def _drop_pending(self) -> None:
        pending = getattr(self, "_pending", None)
        self._pending = None
        if pending is not None and pending[1] is not None:
            for future in pending[1]:
                future.cancel()


def _read(dataset, indices):
    return [dataset[index] for index in indices]
