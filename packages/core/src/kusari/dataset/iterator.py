"""``Iterator``: the base class of dataset iterators (Chainer v7's protocol).

An iterator hands out minibatches (lists of examples) and keeps track of how
far through the dataset it is.  The training loop reads these attributes:

* ``epoch``: completed sweeps over the dataset;
* ``epoch_detail``: the same as a float (2.5 = half-way through the third sweep);
* ``previous_epoch_detail``: ``epoch_detail`` before the last ``__next__``,
  None before the first;
* ``is_new_epoch``: whether the last ``__next__`` finished a sweep.

Subclasses set ``epoch`` and ``is_new_epoch`` as plain attributes and may
define ``epoch_detail`` as a property, as Chainer's own and most user-written
iterators do.  A subclass that does not define ``previous_epoch_detail``
gets it for free: the base class records ``epoch_detail`` before each
successful ``__next__`` (Chainer left it to every subclass, and user
iterators without it broke interval triggers after a resume).

Example:
    >>> from kusari.dataset import Iterator
    >>> class Halves(Iterator):
    ...     def __init__(self):
    ...         self.count = 0
    ...     def __next__(self):
    ...         self.count += 1
    ...         self.epoch, rest = divmod(self.count, 2)
    ...         self.is_new_epoch = rest == 0
    ...         return [self.count]
    ...     @property
    ...     def epoch_detail(self):
    ...         return self.count / 2
    >>> it = Halves()
    >>> it.previous_epoch_detail is None
    True
    >>> next(it), it.epoch_detail, it.previous_epoch_detail, it.is_new_epoch
    ([1], 0.5, 0.0, False)
    >>> it.next(), it.epoch, it.previous_epoch_detail, it.is_new_epoch
    ([2], 1, 0.5, True)
"""
from __future__ import annotations

import functools


class Iterator:
    """Base class of all dataset iterators.

    Implement ``__next__`` (return a list of examples; raise
    ``StopIteration`` at the end when not repeating) and ``serialize`` (save
    and restore the state that changes while iterating, not settings such
    as the batch size).  Override ``finalize`` to release workers or files;
    it runs at ``with`` exit and when the iterator is garbage collected, and
    may be called several times.

    Example:
        >>> from kusari.dataset import Iterator
        >>> class Countdown(Iterator):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __next__(self):
        ...         if self.n == 0:
        ...             raise StopIteration
        ...         self.n -= 1
        ...         return [self.n]
        >>> with Countdown(3) as it:
        ...     list(it)
        [[2], [1], [0]]
    """

    #: Number of completed sweeps over the dataset.
    epoch = 0
    #: Whether the last ``__next__`` completed a sweep.
    is_new_epoch = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__next__" in vars(cls) and not _defines_previous_epoch_detail(cls):
            cls.__next__ = _recording_previous_epoch_detail(vars(cls)["__next__"])

    def __iter__(self):
        """The iterator itself."""
        return self

    def __next__(self):
        """The next minibatch: a list of examples.  Subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement __next__")

    def next(self):
        """Chainer's alias of ``__next__`` (``updater`` code calls ``iterator.next()``)."""
        return self.__next__()

    @property
    def epoch_detail(self) -> float:
        """Epochs as a float.  This default only knows whole epochs: ``float(epoch)``."""
        return self.__dict__.get("epoch_detail", float(self.epoch))

    @epoch_detail.setter
    def epoch_detail(self, value) -> None:
        self.__dict__["epoch_detail"] = value

    @property
    def previous_epoch_detail(self):
        """``epoch_detail`` before the last ``__next__``; None before the first."""
        return self.__dict__.get("previous_epoch_detail")

    @previous_epoch_detail.setter
    def previous_epoch_detail(self, value) -> None:
        self.__dict__["previous_epoch_detail"] = value

    def finalize(self) -> None:
        """Release resources (worker processes, open files).  Nothing to do by default."""

    def serialize(self, serializer) -> None:
        """Save or restore the iteration state with ``serializer(key, value)``.

        The base class has no state.  A subclass writes, e.g.::

            def serialize(self, serializer):
                self.current_position = serializer('current_position', self.current_position)
                self.epoch = serializer('epoch', self.epoch)
        """

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.finalize()

    def __del__(self):
        self.finalize()


def _defines_previous_epoch_detail(cls) -> bool:
    # True when a class between ``cls`` and ``Iterator`` provides it itself
    # (Chainer's SerialIterator, say): then the subclass is left alone.
    for klass in cls.__mro__:
        if klass is Iterator:
            return False
        if "previous_epoch_detail" in vars(klass):
            return True
    return False


def _recording_previous_epoch_detail(next_method):
    if getattr(next_method, "_records_previous_epoch_detail", False):
        return next_method

    @functools.wraps(next_method)
    def __next__(self):
        before = self.epoch_detail
        batch = next_method(self)
        # Only a batch actually handed out moves the position.
        self.__dict__["previous_epoch_detail"] = before
        return batch

    __next__._records_previous_epoch_detail = True
    return __next__
