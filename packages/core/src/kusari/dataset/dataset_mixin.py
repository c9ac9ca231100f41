"""``DatasetMixin``: indexing (ints, slices, index lists) on top of ``get_example``.

A dataset only has to say how long it is and how to build one example; the
mixin turns that into Python's sequence protocol the way Chainer v7 does:
``ds[i]`` is one example, ``ds[1:3]``, ``ds[[4, 0]]`` and ``ds[numpy_index]``
are lists of examples.

Two things go further than Chainer: negative indices are turned into
positive ones before ``get_example`` sees them, and an index out of range
raises ``IndexError`` here, so ``get_example`` never has to check bounds
and ``for example in dataset`` stops at the end even when ``get_example``
itself would not fail (Python's fallback iteration stops at ``IndexError``).

Example:
    >>> from kusari.dataset import DatasetMixin
    >>> class Squares(DatasetMixin):
    ...     def __len__(self):
    ...         return 4
    ...     def get_example(self, i):
    ...         return i * i
    >>> ds = Squares()
    >>> ds[-1], ds[1:3], list(ds)
    (9, [1, 4], [0, 1, 4, 9])
"""
from __future__ import annotations

import numbers

import numpy

from kusari.utils import type_check

_FUNC = "DatasetMixin.__getitem__"


class DatasetMixin:
    """Base class of datasets that build one example at a time.

    Subclasses implement :meth:`__len__` and :meth:`get_example`; this class
    provides ``__getitem__`` for an int (negative counts from the end), a
    slice, or a one-dimensional list or integer array of indices.  Any other
    index (a string key, say) is passed to ``get_example`` unchanged, as
    Chainer does.  A subclass that can slice faster may override
    ``__getitem__``.

    Example:
        >>> import numpy as np
        >>> from kusari.dataset import DatasetMixin
        >>> class Letters(DatasetMixin):
        ...     def __init__(self, text):
        ...         self.text = text
        ...     def __len__(self):
        ...         return len(self.text)
        ...     def get_example(self, i):
        ...         return self.text[i]
        >>> ds = Letters('kusari')
        >>> ds[0], ds[-1]
        ('k', 'i')
        >>> ds[::2]
        ['k', 's', 'r']
        >>> ds[[4, 0]], ds[np.arange(2)]
        (['r', 'k'], ['k', 'u'])
    """

    def __getitem__(self, index):
        """One example for an int index, a list of examples for a slice or an index list.

        Example:
            >>> from kusari.dataset import DatasetMixin
            >>> class Tens(DatasetMixin):
            ...     def __len__(self):
            ...         return 3
            ...     def get_example(self, i):
            ...         return 10 * i
            >>> Tens()[-3], Tens()[[2, -1]]
            (0, [20, 20])
        """
        if type(index) is int:  # the common case first: iterators ask one example at a time
            return self.get_example(self._normalized_index(index))
        if isinstance(index, slice):
            return [self.get_example(i) for i in range(*index.indices(len(self)))]
        if isinstance(index, (list, numpy.ndarray)):
            return [self.get_example(i) for i in self._normalized_indices(index)]
        if isinstance(index, numbers.Integral) and not isinstance(index, bool):
            return self.get_example(self._normalized_index(index))
        return self.get_example(index)

    def __len__(self):
        """The number of examples; subclasses must implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def get_example(self, i):
        """The ``i``-th example (``0 <= i < len(self)``); subclasses must implement it.

        ``__getitem__`` has already checked the bounds and made ``i``
        non-negative when it was given an integer.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement get_example")

    # ---- index normalisation -----------------------------------------------
    def _normalized_index(self, index) -> int:
        n = len(self)
        i = int(index)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"{_FUNC}: index {int(index)} is out of range for a dataset of length {n}")
        return i

    def _normalized_indices(self, index) -> list:
        indices = numpy.asarray(index)
        if indices.size == 0:
            return []
        if indices.ndim != 1:
            type_check.fail(_FUNC, "index", "a one-dimensional list or array of ints",
                            f"{indices.ndim} dimensions (shape {indices.shape})")
        if indices.dtype.kind not in "iu":
            type_check.fail(_FUNC, "index", "a list or array of ints", f"dtype {indices.dtype}")
        n = len(self)
        indices = numpy.where(indices < 0, indices + n, indices)
        bad = (indices < 0) | (indices >= n)
        if bad.any():
            first = int(numpy.asarray(index)[bad.argmax()])
            raise IndexError(f"{_FUNC}: index {first} is out of range for a dataset of length {n}")
        # Python ints: user code may format them or use them as dict keys.
        return indices.tolist()
