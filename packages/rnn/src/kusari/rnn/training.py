"""Truncated backprop through time on the Trainer: ``ParallelSequentialIterator`` and ``BPTTUpdater``.

The classic recipe of Chainer's PTB example for a *stateful* model (one that
keeps its hidden state between calls, such as ``L.LSTM``): one long word
sequence is read at ``batch_size`` evenly spaced positions in parallel, the
model sees one word per position per step, and every ``bprop_len`` steps
the accumulated loss is back-propagated, the graph is cut
(``unchain_backward``) and the optimizer updates.  The hidden state carries
over to the next window; only the gradient path is truncated.

This module needs kusari-training (``pip install kusari-rnn[training]``);
kusari-rnn's functions and links do not import it.

Example:
    >>> import numpy as np, kusari, kusari.links as L
    >>> from kusari import training
    >>> from kusari.rnn.training import BPTTUpdater, ParallelSequentialIterator
    >>> class Counter(kusari.Chain):  # a stand-in for a stateful RNN classifier
    ...     def __init__(self):
    ...         super().__init__()
    ...         with self.init_scope():
    ...             self.out = L.EmbedID(10, 10)
    ...     def forward(self, x, t):
    ...         return kusari.functions.softmax_cross_entropy(self.out(x), t)
    >>> it = ParallelSequentialIterator(np.arange(10, dtype=np.int32) % 10, 2)
    >>> opt = kusari.optimizers.SGD(); _ = opt.setup(Counter())
    >>> updater = BPTTUpdater(it, opt, bprop_len=5)
    >>> training.Trainer(updater, (1, 'epoch')).run()
    >>> updater.iteration, it.iteration, it.epoch
    (1, 5, 1)
"""
from __future__ import annotations

import numbers

import numpy

from kusari.dataset import convert
from kusari.dataset.iterator import Iterator
from kusari.utils import type_check

try:
    from kusari.training.updaters.standard_updater import StandardUpdater
except ImportError as error:  # kusari-rnn alone: its functions and links work without it
    raise ImportError("kusari.rnn.training needs kusari-training; install it with "
                      "`pip install kusari-rnn[training]`") from error

__all__ = ["BPTTUpdater", "ParallelSequentialIterator"]


def _check_positive_int(func: str, arg: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        type_check.fail(func, arg, "a positive int", repr(value))


class ParallelSequentialIterator(Iterator):
    """Read one long sequence at ``batch_size`` evenly spaced offsets at once.

    Example ``i`` of a batch is ``(dataset[p_i], dataset[p_i + 1])``, the
    current and the next word at position ``p_i = offset_i + iteration``
    (wrapping around the end), with ``offset_i = i * len(dataset) //
    batch_size``.  Each position moves one word per ``next()``, so a
    stateful model that sees consecutive batches sees ``batch_size``
    contiguous streams.  One epoch is ``len(dataset) / batch_size``
    iterations.

    Args:
        dataset: an indexable sequence of words (a 1-D int array, typically).
        batch_size: the number of parallel streams.
        repeat: when False, ``StopIteration`` after one epoch.

    Attributes:
        iteration: batches handed out since the start (or ``reset()``).
        epoch, is_new_epoch, epoch_detail, previous_epoch_detail: as for
            every kusari iterator.
        offsets: the start position of each stream.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.training import ParallelSequentialIterator
        >>> it = ParallelSequentialIterator(np.arange(6), batch_size=2)
        >>> [(int(x), int(t)) for x, t in it.next()]
        [(0, 1), (3, 4)]
        >>> [(int(x), int(t)) for x, t in it.next()]
        [(1, 2), (4, 5)]
        >>> _ = it.next(); it.epoch, it.is_new_epoch, it.epoch_detail
        (1, True, 1.0)
        >>> [(int(x), int(t)) for x, t in it.next()]  # wraps around the end
        [(3, 4), (0, 1)]
    """

    def __init__(self, dataset, batch_size, repeat=True):
        name = "ParallelSequentialIterator"
        _check_positive_int(name, "batch_size", batch_size)
        try:
            length = len(dataset)
        except TypeError:
            type_check.fail(name, "dataset", "a sequence with len()", type(dataset).__name__)
        if length == 0:
            type_check.fail(name, "dataset", "a non-empty sequence", "an empty one")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.repeat = repeat
        self.offsets = [i * length // self.batch_size for i in range(self.batch_size)]
        self._offsets = numpy.asarray(self.offsets)
        self.reset()

    def reset(self) -> None:
        """Go back to the start: iteration 0, epoch 0."""
        self.epoch = 0
        self.is_new_epoch = False
        self.iteration = 0
        self._previous_epoch_detail = None

    def __next__(self):
        length = len(self.dataset)
        if not self.repeat and self.iteration * self.batch_size >= length:
            raise StopIteration
        current = self.get_words()
        self._previous_epoch_detail = self.epoch_detail
        self.iteration += 1
        following = self.get_words()
        epoch = self.iteration * self.batch_size // length
        self.is_new_epoch = self.epoch < epoch
        if self.is_new_epoch:
            self.epoch = epoch
        return list(zip(current, following))

    @property
    def epoch_detail(self) -> float:
        """Words consumed per stream, in units of ``len(dataset) / batch_size``."""
        return self.iteration * self.batch_size / len(self.dataset)

    @property
    def previous_epoch_detail(self):
        """``epoch_detail`` before the last ``next()``; None before the first."""
        return self._previous_epoch_detail

    def get_words(self):
        """The word at each stream's current position (a list, or an array for array datasets)."""
        positions = (self._offsets + self.iteration) % len(self.dataset)
        if isinstance(self.dataset, numpy.ndarray):
            # One fancy-indexing gather instead of batch_size Python lookups.
            return self.dataset[positions]
        return [self.dataset[int(p)] for p in positions]

    def serialize(self, serializer) -> None:
        """Save/restore ``iteration``, ``epoch`` and ``previous_epoch_detail``.

        Example:
            >>> import numpy as np
            >>> from kusari.serializers import DictionarySerializer
            >>> from kusari.rnn.training import ParallelSequentialIterator
            >>> it = ParallelSequentialIterator(np.arange(8), 2); _ = it.next()
            >>> s = DictionarySerializer(); it.serialize(s)
            >>> sorted(s.target)
            ['epoch', 'iteration', 'previous_epoch_detail']
        """
        self.iteration = int(serializer("iteration", self.iteration))
        self.epoch = int(serializer("epoch", self.epoch))
        # npz cannot hold None: -1 stands for "no batch yet", as in Chainer.
        stored = -1.0 if self._previous_epoch_detail is None else self._previous_epoch_detail
        try:
            restored = float(serializer("previous_epoch_detail", stored))
        except KeyError:  # a snapshot written without it: recompute from the position
            restored = (self.iteration - 1) * self.batch_size / len(self.dataset)
        self._previous_epoch_detail = None if restored < 0 else restored


class BPTTUpdater(StandardUpdater):
    """Truncated backprop through time: ``bprop_len`` forward steps, then one update.

    Each ``update()`` takes ``bprop_len`` consecutive batches from the main
    iterator, converts each with ``converter`` and adds up
    ``loss_func(*in_arrays)`` (the main optimizer's target by default,
    e.g. an ``L.Classifier`` over a stateful ``L.LSTM`` model).  Then it
    clears the gradients, back-propagates the summed loss, cuts the graph
    behind it (``unchain_backward``; the model's state stays) and updates
    the parameters.  ``iteration`` counts updates, not words.

    Args:
        train_iter: the iterator (usually a ParallelSequentialIterator), or
            a dict of them with a ``'main'`` key.
        optimizer: the optimizer, or a dict with a ``'main'`` key.
        bprop_len: the number of steps per update (the truncation length).
        device: where to send the model and the batches (as in
            StandardUpdater), or None.
        converter: turns one batch into the model's inputs;
            ``concat_examples`` by default.
        loss_func: the loss callable; the main optimizer's target when None.

    Example:
        >>> import numpy as np, kusari, kusari.links as L
        >>> from kusari.rnn.training import BPTTUpdater, ParallelSequentialIterator
        >>> opt = kusari.optimizers.SGD()
        >>> _ = opt.setup(L.Classifier(L.EmbedID(6, 6)))
        >>> it = ParallelSequentialIterator(np.arange(6, dtype=np.int32), 3)
        >>> updater = BPTTUpdater(it, opt, bprop_len=2, device=-1)
        >>> updater.update()
        >>> updater.iteration, it.iteration, updater.epoch_detail
        (1, 2, 1.0)
    """

    def __init__(self, train_iter, optimizer, bprop_len, device=None,
                 converter=convert.concat_examples, loss_func=None):
        _check_positive_int("BPTTUpdater", "bprop_len", bprop_len)
        super().__init__(train_iter, optimizer, converter=converter, device=device,
                         loss_func=loss_func)
        self.bprop_len = int(bprop_len)

    def update_core(self) -> None:
        """Accumulate ``bprop_len`` steps of loss, then backward, truncate and update."""
        train_iter = self.get_iterator("main")
        optimizer = self.get_optimizer("main")
        loss_func = self.loss_func or optimizer.target
        loss = 0
        crossed_epoch = False
        for _ in range(self.bprop_len):
            batch = train_iter.next()
            crossed_epoch = crossed_epoch or train_iter.is_new_epoch
            in_arrays = convert._call_converter(self.converter, batch, self.input_device)
            if isinstance(in_arrays, tuple):
                loss += loss_func(*in_arrays)
            elif isinstance(in_arrays, dict):
                loss += loss_func(**in_arrays)
            else:
                loss += loss_func(in_arrays)
        optimizer.target.cleargrads()
        loss.backward()
        # Keep the state (h, c) but drop the graph behind it: the next window
        # starts its backward pass here.
        loss.unchain_backward()
        optimizer.update()
        if self.auto_new_epoch and crossed_epoch:
            optimizer.new_epoch(auto=True)
