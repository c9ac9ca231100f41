"""Subsets of a dataset and the helpers that split one: train/validation, n parts, k folds.

The random splits draw their permutation with
``numpy.random.RandomState(seed).permutation(len(dataset))``, exactly as
Chainer v7 does, so the same seed splits a dataset into the same examples.

Example:
    >>> from kusari.datasets.sub_dataset import split_dataset
    >>> train, val = split_dataset(list('abcde'), 3)
    >>> list(train), list(val)
    (['a', 'b', 'c'], ['d', 'e'])
"""
from __future__ import annotations

import numbers
import warnings

import numpy

from kusari.dataset import DatasetMixin
from kusari.datasets.tuple_dataset import _value_error
from kusari.utils import type_check

__all__ = [
    "SubDataset", "split_dataset", "split_dataset_random", "split_dataset_n",
    "split_dataset_n_random", "get_cross_validation_datasets",
    "get_cross_validation_datasets_random",
]


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(func: str, arg: str, value, minimum: int) -> int:
    if not _is_int(value):
        type_check.fail(func, arg, "an int", f"{type(value).__name__} {value!r}")
    if value < minimum:
        _value_error(func, arg, f"an int >= {minimum}", repr(value))
    return int(value)


def _random_order(n: int, seed):
    # Chainer v7's draw, kept identical so a seed selects the same examples.
    return numpy.random.RandomState(seed).permutation(n)


class SubDataset(DatasetMixin):
    """The examples ``start <= i < finish`` of ``dataset``, optionally through a permutation.

    With ``order``, the ``i``-th example is ``dataset[order[start + i]]``;
    without it, ``dataset[start + i]``.  No example is copied.

    Args:
        dataset: The base dataset.
        start (int): First index of the subset (``0 <= start``).
        finish (int): One past the last index (``finish <= len(dataset)``).
        order (sequence of ints): A permutation of ``range(len(dataset))``,
            or None for the identity.

    Raises:
        DatasetValueError: (a ``ValueError``) when ``start``/``finish`` fall
            outside the base dataset or ``order`` has the wrong length.

    Example:
        >>> from kusari.datasets.sub_dataset import SubDataset
        >>> sub = SubDataset(list('abcd'), 1, 3, order=[3, 2, 1, 0])
        >>> len(sub), sub[0], sub[-1], sub[:]
        (2, 'c', 'b', ['c', 'b'])
    """

    def __init__(self, dataset, start, finish, order=None):
        n = len(dataset)
        start = _check_int("SubDataset", "start", start, 0)
        if not _is_int(finish):
            type_check.fail("SubDataset", "finish", "an int", f"{type(finish).__name__} {finish!r}")
        if not start <= finish <= n:
            _value_error("SubDataset", "finish",
                         f"an int with start ({start}) <= finish <= len(dataset) ({n})", repr(finish))
        if order is not None and len(order) != n:
            _value_error("SubDataset", "order", f"length {n} (the length of the base dataset)",
                         f"length {len(order)}")
        self._dataset = dataset
        self._start = start
        self._finish = int(finish)
        self._size = self._finish - start
        self._order = order

    def __len__(self):
        return self._size

    def get_example(self, i):
        if not _is_int(i):  # DatasetMixin passes any other key through
            type_check.fail("SubDataset.__getitem__", "index", "an int, a slice or a list of ints",
                            type(i).__name__)
        index = self._start + i
        if self._order is not None:
            index = self._order[index]
        return self._dataset[index]


def split_dataset(dataset, split_at, order=None):
    """Split a dataset in two: the first ``split_at`` examples and the rest.

    Args:
        dataset: The dataset to split.
        split_at (int): The size of the first part, ``0 <= split_at <= len(dataset)``.
        order (sequence of ints): A permutation of the indices to split
            instead of ``range(len(dataset))``; see :class:`SubDataset`.

    Returns:
        tuple: Two :class:`SubDataset` objects.

    Raises:
        InvalidType: (a ``TypeError``) when ``split_at`` is not an int.
        DatasetValueError: (a ``ValueError``) when it is negative or larger
            than the dataset.

    Example:
        >>> from kusari.datasets.sub_dataset import split_dataset
        >>> first, rest = split_dataset(list(range(5)), 2, order=[4, 3, 2, 1, 0])
        >>> first[:], rest[:]
        ([4, 3], [2, 1, 0])
    """
    n = len(dataset)
    split_at = _check_int("split_dataset", "split_at", split_at, 0)
    if split_at > n:
        _value_error("split_dataset", "split_at", f"at most len(dataset) ({n})", repr(split_at))
    return (SubDataset(dataset, 0, split_at, order), SubDataset(dataset, split_at, n, order))


def split_dataset_random(dataset, first_size, seed=None):
    """Split a dataset in two at random: ``first_size`` examples, and the rest.

    The permutation is ``numpy.random.RandomState(seed).permutation(len(dataset))``
    as in Chainer v7: the same seed gives the same split as Chainer's.

    Args:
        dataset: The dataset to split.
        first_size (int): The size of the first part.
        seed (int): Seed of the permutation; None draws a fresh one.

    Returns:
        tuple: Two :class:`SubDataset` objects.

    Example:
        >>> from kusari.datasets.sub_dataset import split_dataset_random
        >>> a, b = split_dataset_random(list(range(6)), 4, seed=0)
        >>> len(a), len(b), sorted(a[:] + b[:])
        (4, 2, [0, 1, 2, 3, 4, 5])
        >>> a[:] == split_dataset_random(list(range(6)), 4, seed=0)[0][:]
        True
    """
    return split_dataset(dataset, first_size, _random_order(len(dataset), seed))


def split_dataset_n(dataset, n, order=None):
    """Split a dataset into ``n`` parts of ``len(dataset) // n`` examples each.

    As in Chainer v7, the last ``len(dataset) % n`` examples (of ``order``)
    belong to no part.

    Args:
        dataset: The dataset to split.
        n (int): The number of parts (``n >= 1``).
        order (sequence of ints): A permutation of the indices, or None.

    Returns:
        list: ``n`` :class:`SubDataset` objects; part ``i`` holds
        ``order[i * size:(i + 1) * size]`` with ``size = len(dataset) // n``.

    Example:
        >>> from kusari.datasets.sub_dataset import split_dataset_n
        >>> [part[:] for part in split_dataset_n(list('abcdefg'), 3)]
        [['a', 'b'], ['c', 'd'], ['e', 'f']]
    """
    n = _check_int("split_dataset_n", "n", n, 1)
    size = len(dataset) // n
    return [SubDataset(dataset, size * i, size * (i + 1), order) for i in range(n)]


def split_dataset_n_random(dataset, n, seed=None):
    """Split a dataset into ``n`` parts of ``len(dataset) // n`` random examples each.

    The permutation is Chainer v7's, ``RandomState(seed).permutation``.

    Args:
        dataset: The dataset to split.
        n (int): The number of parts.
        seed (int): Seed of the permutation; None draws a fresh one.

    Returns:
        list: ``n`` :class:`SubDataset` objects.

    Example:
        >>> from kusari.datasets.sub_dataset import split_dataset_n_random
        >>> parts = split_dataset_n_random(list(range(6)), 3, seed=1)
        >>> [len(p) for p in parts], sorted(sum((p[:] for p in parts), []))
        ([2, 2, 2], [0, 1, 2, 3, 4, 5])
    """
    return split_dataset_n(dataset, n, _random_order(len(dataset), seed))


def _n_folds_from_kwargs(func, n_folds, kwargs):
    if "n_fold" in kwargs:
        warnings.warn(f"{func}: argument 'n_fold' is deprecated; use 'n_folds'",
                      DeprecationWarning, stacklevel=3)
        n_folds = kwargs.pop("n_fold")
    if kwargs:
        raise TypeError(f"{func}() got an unexpected keyword argument {next(iter(kwargs))!r}")
    return _check_int(func, "n_folds", n_folds, 1)


def get_cross_validation_datasets(dataset, n_folds=None, order=None, **kwargs):
    """The ``n_folds`` (train, test) splits of k-fold cross validation.

    The indices (``order``, or ``range(len(dataset))``) are cut into
    ``n_folds`` contiguous blocks whose sizes differ by at most one; the
    ``i``-th split tests on one block and trains on all the others, and
    every example is in exactly one test part.  The folds come in Chainer
    v7's order (split ``0`` tests on the last block).

    Args:
        dataset: The dataset to split.
        n_folds (int): The number of folds (``>= 1``).
        order (sequence of ints): A permutation of the indices, or None.
        n_fold (int): Deprecated spelling of ``n_folds`` (warns).

    Returns:
        list: ``n_folds`` tuples ``(train, test)`` of :class:`SubDataset`.

    Example:
        >>> from kusari.datasets.sub_dataset import get_cross_validation_datasets
        >>> [(tr[:], te[:]) for tr, te in get_cross_validation_datasets(list('abc'), 3)]
        [(['a', 'b'], ['c']), (['c', 'a'], ['b']), (['b', 'c'], ['a'])]
    """
    n_folds = _n_folds_from_kwargs("get_cross_validation_datasets", n_folds, kwargs)
    whole = len(dataset)
    order = numpy.arange(whole) if order is None else numpy.array(order)
    if len(order) != whole:
        _value_error("get_cross_validation_datasets", "order",
                     f"length {whole} (the length of the dataset)", f"length {len(order)}")
    borders = [whole * i // n_folds for i in range(n_folds + 1)]
    splits = []
    # Each split tests on the tail of its order; rotating the order right by
    # that block brings the previous block to the tail for the next split.
    for test_size in reversed(numpy.diff(borders).tolist()):
        splits.append(split_dataset(dataset, whole - test_size, order))
        order = numpy.roll(order, test_size)
    return splits


def get_cross_validation_datasets_random(dataset, n_folds, seed=None, **kwargs):
    """:func:`get_cross_validation_datasets` over a random permutation.

    The permutation is Chainer v7's, ``RandomState(seed).permutation``.

    Args:
        dataset: The dataset to split.
        n_folds (int): The number of folds.
        seed (int): Seed of the permutation; None draws a fresh one.
        n_fold (int): Deprecated spelling of ``n_folds`` (warns).

    Returns:
        list: ``n_folds`` tuples ``(train, test)`` of :class:`SubDataset`.

    Example:
        >>> from kusari.datasets.sub_dataset import get_cross_validation_datasets_random
        >>> folds = get_cross_validation_datasets_random(list(range(5)), 2, seed=0)
        >>> [(len(tr), len(te)) for tr, te in folds]
        [(2, 3), (3, 2)]
        >>> sorted(folds[0][1][:] + folds[1][1][:])
        [0, 1, 2, 3, 4]
    """
    n_folds = _n_folds_from_kwargs("get_cross_validation_datasets_random", n_folds, kwargs)
    order = _random_order(len(dataset), seed)
    return get_cross_validation_datasets(dataset, n_folds, order)
