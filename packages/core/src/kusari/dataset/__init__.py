"""The dataset protocol: datasets, iterators and converters (``kusari.dataset``).

What every dataset, iterator and updater agrees on lives here in kusari-core:

* :class:`DatasetMixin`: indexing on top of ``__len__`` and ``get_example``;
* :class:`Iterator`: the base class of minibatch iterators;
* converters, which stack a minibatch into arrays on a device:
  :func:`concat_examples` (the default), :func:`concat_sequences` (keeps
  variable-length sequences as lists), the :func:`converter` decorator, the
  :class:`Converter` base class and :func:`to_device`.

Ready-made datasets (``TupleDataset``...) and iterators (``SerialIterator``...)
come with kusari-datasets as ``kusari.datasets`` and ``kusari.iterators``.

Example:
    >>> import numpy as np
    >>> from kusari import dataset
    >>> class Pairs(dataset.DatasetMixin):
    ...     def __len__(self):
    ...         return 3
    ...     def get_example(self, i):
    ...         return np.full(2, i, np.float32), i
    >>> x, t = dataset.concat_examples(Pairs()[0:2])
    >>> x.shape, t
    ((2, 2), array([0, 1]))
"""
from kusari.dataset import convert, dataset_mixin, iterator  # noqa: F401
from kusari.dataset.convert import (  # noqa: F401
    Converter,
    concat_examples,
    concat_sequences,
    converter,
    to_device,
)
from kusari.dataset.dataset_mixin import DatasetMixin  # noqa: F401
from kusari.dataset.iterator import Iterator  # noqa: F401

__all__ = [
    "Converter", "DatasetMixin", "Iterator", "concat_examples", "concat_sequences",
    "converter", "to_device", "convert", "dataset_mixin", "iterator",
]
