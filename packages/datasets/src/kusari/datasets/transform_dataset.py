"""``TransformDataset``: a dataset whose examples pass through a function when read.

Example:
    >>> from kusari.datasets.transform_dataset import TransformDataset
    >>> TransformDataset([1, 2, 3], lambda x: x * 10)[1:]
    [20, 30]
"""
from __future__ import annotations

from kusari.dataset import DatasetMixin
from kusari.utils import type_check

__all__ = ["TransformDataset"]


class TransformDataset(DatasetMixin):
    """Applies ``transform`` to each example of ``dataset`` when it is read.

    Nothing is computed up front: ``ds[i]`` is ``transform(dataset[i])``, so
    a random augmentation gives a new result on each read.  ``transform``
    is called once per example (a slice or an index list calls it for each).

    Args:
        dataset: The base dataset.
        transform (callable): A function of one example returning the
            transformed example.

    Raises:
        InvalidType: when ``transform`` is not callable.

    Example:
        >>> import numpy as np
        >>> from kusari.datasets.tuple_dataset import TupleDataset
        >>> from kusari.datasets.transform_dataset import TransformDataset
        >>> base = TupleDataset(np.array([1.0, 2.0]), np.array([0, 1]))
        >>> ds = TransformDataset(base, lambda example: (example[0] * 2, example[1]))
        >>> len(ds), ds[1]
        (2, (np.float64(4.0), np.int64(1)))
    """

    def __init__(self, dataset, transform):
        if not callable(transform):
            type_check.fail("TransformDataset", "transform", "a callable", type(transform).__name__)
        self._dataset = dataset
        self._transform = transform

    def __len__(self):
        return len(self._dataset)

    def get_example(self, i):
        return self._transform(self._dataset[i])
