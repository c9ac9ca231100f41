"""``ConcatenatedDataset``: several datasets one after another.

Example:
    >>> from kusari.datasets.concatenated_dataset import ConcatenatedDataset
    >>> ConcatenatedDataset([0, 1], [2])[:]
    [0, 1, 2]
"""
from __future__ import annotations

import bisect
import itertools

from kusari.dataset import DatasetMixin
from kusari.utils import type_check

__all__ = ["ConcatenatedDataset"]


class ConcatenatedDataset(DatasetMixin):
    """The examples of ``datasets[0]``, then those of ``datasets[1]``, and so on.

    Finding the dataset of an index is a binary search over the cumulative
    lengths, so access costs O(log k) for k datasets, not O(k).

    Args:
        *datasets: The datasets to concatenate (any may be empty).

    Example:
        >>> from kusari.datasets.concatenated_dataset import ConcatenatedDataset
        >>> ds = ConcatenatedDataset(['a', 'b'], [], ['c'])
        >>> len(ds), ds[2], ds[-2], ds[[0, 2]]
        (3, 'c', 'b', ['a', 'c'])
    """

    def __init__(self, *datasets):
        self._datasets = datasets
        # _ends[k] is one past the last global index of datasets[k].
        self._ends = list(itertools.accumulate(len(d) for d in datasets))

    def __len__(self):
        return self._ends[-1] if self._ends else 0

    def get_example(self, i):
        if not isinstance(i, int):  # DatasetMixin passes any other key through
            type_check.fail("ConcatenatedDataset.__getitem__", "index",
                            "an int, a slice or a list of ints", type(i).__name__)
        k = bisect.bisect_right(self._ends, i)  # skips empty datasets too
        start = self._ends[k - 1] if k else 0
        return self._datasets[k][i - start]
