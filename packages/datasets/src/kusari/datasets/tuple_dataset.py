"""``TupleDataset``: several equal-length datasets zipped into examples that are tuples.

Example:
    >>> import numpy as np
    >>> from kusari.datasets import tuple_dataset
    >>> ds = tuple_dataset.TupleDataset(np.arange(3), np.arange(3) * 10)
    >>> ds[1]
    (np.int64(1), np.int64(10))
"""
from __future__ import annotations

import numpy

from kusari.utils import type_check

__all__ = ["TupleDataset"]


class DatasetValueError(type_check.InvalidType, ValueError):
    """A dataset argument of the right type but the wrong value (a length, a bound).

    It is an ``InvalidType`` like every kusari input error, and a
    ``ValueError`` as Chainer raised, so ``except ValueError`` keeps working.
    """


def _value_error(func: str, arg: str, expected: str, actual: str):
    raise DatasetValueError(f"{func}: argument {arg!r} expected {expected}, got {actual}", expected, actual)


def _is_index_list(index) -> bool:
    return isinstance(index, (list, numpy.ndarray)) or (
        hasattr(index, "__cuda_array_interface__") and getattr(index, "ndim", 0) == 1)


def _take(dataset, index):
    """``dataset[index]`` for an index list; Python lists and tuples cannot do that themselves."""
    if isinstance(dataset, (list, tuple)):
        return [dataset[i] for i in numpy.asarray(index).tolist()]
    return dataset[index]


def _column(dataset, index):
    """The values of one dataset for a slice or an index list, as a sequence."""
    if isinstance(index, slice):
        return dataset[index]
    if len(index) == 0:
        return []
    return _take(dataset, index)


def _check_lengths(func: str, datasets: dict) -> int:
    """The common length of ``datasets`` (name -> dataset); a clear error naming the odd one."""
    if not datasets:
        _value_error(func, "datasets", "at least one dataset", "none")
    names = list(datasets)
    length = len(datasets[names[0]])
    for name in names[1:]:
        if len(datasets[name]) != length:
            _value_error(func, name, f"length {length} (the length of {names[0]!r})",
                         f"length {len(datasets[name])}")
    return length


class TupleDataset:
    """Zips equal-length datasets: the ``i``-th example is ``(d0[i], d1[i], ...)``.

    Args:
        *datasets: The datasets (NumPy/CuPy arrays, lists, other datasets),
            all of the same length.

    An int index gives one tuple and a slice a list of tuples.  A list or a
    1-D integer array of indices gives, as in Chainer v7, a *tuple of
    batches* (one per dataset), so the common ``x, t = train[perm[i:i + n]]``
    keeps working.  Slicing NumPy arrays takes views, not per-example copies.

    Raises:
        DatasetValueError: (a ``ValueError``) when no dataset is given or
            the lengths differ; the message names the dataset
            (``datasets[1]``) and both lengths.

    Example:
        >>> import numpy as np
        >>> from kusari.datasets.tuple_dataset import TupleDataset
        >>> ds = TupleDataset(np.array([0.5, 1.5, 2.5]), [7, 8, 9])
        >>> len(ds), ds[-1]
        (3, (np.float64(2.5), 9))
        >>> ds[:2]
        [(np.float64(0.5), 7), (np.float64(1.5), 8)]
        >>> ds[[2, 0]]
        (array([2.5, 0.5]), [9, 7])
    """

    def __init__(self, *datasets):
        self._length = _check_lengths(
            "TupleDataset", {f"datasets[{i}]": d for i, d in enumerate(datasets)})
        self._datasets = datasets

    def __getitem__(self, index):
        if isinstance(index, slice):
            # zip walks each column once; NumPy slices are views.
            return list(zip(*[_column(d, index) for d in self._datasets]))
        if _is_index_list(index):
            # Chainer v7: one batch per dataset (fancy indexing on arrays).
            return tuple(_column(d, index) for d in self._datasets)
        return tuple(d[index] for d in self._datasets)

    def __len__(self):
        return self._length
