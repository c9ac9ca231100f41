"""``DictDataset``: equal-length datasets zipped into examples that are dicts.

Example:
    >>> from kusari.datasets.dict_dataset import DictDataset
    >>> DictDataset(x=[1, 2], t=[0, 1])[1]
    {'x': 2, 't': 1}
"""
from __future__ import annotations

from kusari.datasets.tuple_dataset import _check_lengths, _column, _is_index_list

__all__ = ["DictDataset"]


class DictDataset:
    """Zips named datasets: the ``i``-th example is ``{name: dataset[i], ...}``.

    Args:
        **datasets: The datasets by name, all of the same length.

    An int index gives one dict and a slice a list of dicts.  A list or a
    1-D integer array of indices gives, as in Chainer v7, one dict of
    batches (``{name: dataset[indices]}``).

    Raises:
        DatasetValueError: (a ``ValueError``) when no dataset is given or the
            lengths differ; the message names the key and both lengths.

    Example:
        >>> import numpy as np
        >>> from kusari.datasets.dict_dataset import DictDataset
        >>> ds = DictDataset(x=np.arange(3), t=['a', 'b', 'c'])
        >>> ds[0]
        {'x': np.int64(0), 't': 'a'}
        >>> ds[1:]
        [{'x': np.int64(1), 't': 'b'}, {'x': np.int64(2), 't': 'c'}]
    """

    def __init__(self, **datasets):
        self._length = _check_lengths("DictDataset", datasets)
        self._datasets = datasets

    def __getitem__(self, index):
        if _is_index_list(index):
            # Chainer v7: a dict of batches.
            return {key: _column(d, index) for key, d in self._datasets.items()}
        if isinstance(index, slice):
            keys = list(self._datasets)
            columns = [_column(self._datasets[k], index) for k in keys]
            return [dict(zip(keys, values)) for values in zip(*columns)]
        return {key: dataset[index] for key, dataset in self._datasets.items()}

    def __len__(self):
        return self._length
