"""What the iterators that read batches with workers (threads, processes) share.

Both keep ``SerialIterator``'s position bookkeeping (:func:`_advance`) and
only move the reading elsewhere: a batch's indices are split into one chunk
per worker, and the next batches are read ahead while the caller works.
"""
from __future__ import annotations

import numpy

from kusari.iterators.serial_iterator import _advance


def next_batch_chunks(func, it, state, n_workers):
    """Advance ``it`` by one batch from ``state``: ``(next_state, chunks)``.

    ``chunks`` splits the batch's indices into at most ``n_workers`` non-empty
    parts, in order; it is None when the iteration is over.  One task per
    worker (not per example) keeps the overhead of handing out work small.

    Example:
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.iterators._worker_batches import next_batch_chunks
        >>> it = SerialIterator(list(range(5)), 3, shuffle=False)
        >>> state, chunks = next_batch_chunks('SerialIterator', it, it._state, 2)
        >>> state.current_position, [c.tolist() for c in chunks]
        (3, [[0, 1], [2]])
    """
    next_state, indices = _advance(func, state, it.batch_size, it._repeat, it.order_sampler, len(it.dataset))
    if indices is None:
        return next_state, None
    parts = numpy.array_split(indices, min(n_workers, max(len(indices), 1)))
    return next_state, [part for part in parts if len(part)]


def may_read_ahead(it, state) -> bool:
    """Whether the batch after ``state`` may be read now, before ``next`` asks for it.

    Not at the end, nor for a batch that would call the order sampler: that
    call is left to the ``next`` that needs the batch, so a snapshot taken in
    between holds the sampler's state from before it.

    Example:
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.iterators._worker_batches import may_read_ahead
        >>> it = SerialIterator(list(range(5)), 3, repeat=False, shuffle=False)
        >>> may_read_ahead(it, it._state)
        True
    """
    crosses_epoch = state.current_position + it.batch_size >= it._epoch_size
    return not ((not it._repeat and state.epoch > 0) or (crosses_epoch and state.order is not None))
